import Testing

extension Trait where Self == TimeLimitTrait {
    /// The time limit of the tests that run the binary or a server and could hang if a fault
    /// broke them. It only catches hangs: Swift Testing starts a test's clock when the test is
    /// scheduled, and on a 2-core machine the cooperative pool (2 threads) is often held by other
    /// suites' blocking tests, so a test whose own work takes 3 s has waited over a minute before
    /// it ran (seen in CI with a 1-minute limit). The child processes have timeouts of their own.
    public static var hangGuard: Self { .timeLimit(.minutes(10)) }
}
