/// The fact tables a report reads, as they are now or as the warehouse stood right after a load
/// batch (`--as-of-batch`, docs/history.md): then the `*_som_af(N)` functions of
/// sql/definitions/6x, which return the facts' row types, stand where the tables stood. Fixed SQL:
/// the batch is a number, checked as published (`PublishedBatches.check`) before a report reads.
/// Without a batch the names are the tables' own, so a report's SQL is exactly what it was.
struct Facts: Equatable, Sendable {
    /// nil: the current facts.
    var asOf: Int?

    /// The conversations (samtaler.fact_samtale).
    var samtale: String { source("fact_samtale", "samtale_som_af") }
    /// Their participants (samtaler.fact_samtale_deltager).
    var deltager: String { source("fact_samtale_deltager", "samtale_deltager_som_af") }
    /// Min Plan drafts (samtaler.fact_minplan).
    var minplan: String { source("fact_minplan", "minplan_som_af") }
    /// Job search requirements (samtaler.fact_jobsoegningskrav).
    var jobsoegningskrav: String { source("fact_jobsoegningskrav", "jobsoegningskrav_som_af") }
    /// The visitation history (samtaler.fact_visitation), derived from the conversations.
    var visitation: String { source("fact_visitation", "visitation_som_af") }

    private func source(_ table: String, _ function: String) -> String {
        asOf.map { "samtaler.\(function)(\($0))" } ?? "samtaler.\(table)"
    }
}
