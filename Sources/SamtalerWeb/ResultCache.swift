/// The answers of report pages and downloads, kept until the warehouse changes.
///
/// The data change only when a load writes a batch, so an answer is keyed by the request (the
/// report's checked options, format and `--suppress` threshold) and stored under the warehouse's
/// generation: the newest batch and the number of batches (`samtaler.dim_batch`, every status,
/// since the batches report shows failed loads too). A request reads the generation first (one
/// cheap query); when it differs from the stored answers', they are all dropped. Bounded: at most
/// `entries` answers and `bytes` bytes, the least recently used go first. Identical requests that
/// arrive while the first is being made wait for it (single flight): fifty readers of the same
/// page run its report once.
actor ResultCache {
    /// A finished answer: what the response is made of.
    struct Answer: Sendable {
        var body: String
        var type: String
        /// `Content-Disposition` for a download.
        var disposition: String?
    }

    /// How the answer was found, for the `X-Samtaler-Cache` header.
    enum Source: String, Sendable {
        /// Made for this request.
        case miss
        /// Stored.
        case hit
        /// Made for an identical request that came first, which this one waited for.
        case shared
    }

    let maxEntries: Int
    let maxBytes: Int
    private var generation: String?
    private var stored: [String: (answer: Answer, bytes: Int, used: UInt64)] = [:]
    private var bytes = 0
    private var tick: UInt64 = 0
    private var making: [String: Task<Answer, any Error>] = [:]

    init(entries: Int, bytes: Int) {
        maxEntries = entries
        maxBytes = bytes
    }

    nonisolated var isOff: Bool { maxEntries == 0 }

    /// The answer for `key` in warehouse `generation`: stored, being made, or made now by `make`.
    func answer(_ key: String, generation: String, make: @escaping @Sendable () async throws -> Answer) async throws -> (Answer, Source) {
        if generation != self.generation {
            self.generation = generation
            stored = [:]
            bytes = 0
            making = [:]   // a request being made for the old generation still answers its own waiters
        }
        let full = generation + "\u{1F}" + key
        tick += 1
        if let hit = stored[full] {
            stored[full]?.used = tick
            return (hit.answer, .hit)
        }
        if let task = making[full] { return (try await task.value, .shared) }
        let task = Task { try await make() }
        making[full] = task
        defer { if making[full] == task { making[full] = nil } }
        let answer = try await task.value
        if self.generation == generation { keep(full, answer) }
        return (answer, .miss)
    }

    /// Stores `answer`, then drops the least recently used answers until both bounds hold.
    private func keep(_ key: String, _ answer: Answer) {
        let size = answer.body.utf8.count + key.utf8.count
        guard size <= maxBytes, maxEntries > 0 else { return }
        tick += 1
        stored[key] = (answer, size, tick)
        bytes += size
        while stored.count > maxEntries || bytes > maxBytes {
            guard let oldest = stored.min(by: { $0.value.used < $1.value.used }) else { break }
            bytes -= oldest.value.bytes
            stored[oldest.key] = nil
        }
    }

    /// How many answers are stored (for the tests' view of the bounds).
    var count: Int { stored.count }
}
