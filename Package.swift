// swift-tools-version:6.0
import PackageDescription

// The architecture in one glance:
//   SamtalerFeed       reading feed files, JSON, validation against the contract, reference data,
//                      the personnummer, Copenhagen time                         (pure Swift)
//   SamtalerSynthetic  the synthetic feed generator (a tool for demos, tests and make bench, not the
//                      domain) and its seeded random numbers                     (pure Swift)
//   SamtalerPseudonym  keyed HMAC-SHA256 pseudonyms and the key file             (OpenSSL libcrypto)
//   PostgresClient     the only module that speaks libpq: connections, results, errors, COPY
//   SamtalerWarehouse  migrations, the load into the star schema, reports, the ministry extract
//   SamtalerWeb        the analysts' web view (samtaler serve): pages, a bounded pool  (Hummingbird 2)
//   samtaler           the command line: a thin shell over the modules above
let package = Package(
    name: "samtaler",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "samtaler", targets: ["samtaler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only the web view (SamtalerWeb) uses it; docs/web.md says why this server.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "PostgresClient", dependencies: ["CLibPQ"]),
        .target(name: "SamtalerFeed", dependencies: ["CZlib"]),
        .target(name: "SamtalerSynthetic", dependencies: ["SamtalerFeed"]),
        .target(name: "SamtalerPseudonym", dependencies: ["COpenSSL"]),
        .target(name: "SamtalerWarehouse", dependencies: ["PostgresClient", "SamtalerFeed", "SamtalerPseudonym"]),
        .target(name: "SamtalerWeb", dependencies: [
            "SamtalerWarehouse", "PostgresClient",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .executableTarget(name: "samtaler", dependencies: [
            "SamtalerWarehouse", "SamtalerFeed", "SamtalerSynthetic", "SamtalerPseudonym", "SamtalerWeb",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SamtalerFeedTests", dependencies: ["SamtalerFeed", "SamtalerSynthetic"]),
        .testTarget(name: "SamtalerSyntheticTests", dependencies: ["SamtalerSynthetic", "SamtalerFeed"]),
        .testTarget(name: "SamtalerPseudonymTests", dependencies: ["SamtalerPseudonym"]),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient"]),
        // Helpers shared by the tests that run the built binary: child processes, waiting, warehouse digests.
        .target(name: "SamtalerTestSupport", dependencies: ["PostgresClient"], path: "Tests/SamtalerTestSupport"),
        .testTarget(name: "SamtalerWarehouseTests", dependencies: ["SamtalerWarehouse", "SamtalerFeed", "SamtalerSynthetic", "SamtalerPseudonym", "PostgresClient", "SamtalerTestSupport"]),
        .testTarget(name: "SamtalerCLITests", dependencies: ["PostgresClient", "SamtalerTestSupport"]),
    ]
)
