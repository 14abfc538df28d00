import ArgumentParser
import OPCCCore
import OPCCServices

/// `opcc audit`: the tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Inspect and verify the tamper-evident audit log.",
        discussion: "Example: opcc audit verify --head \"$(opcc audit head)\"",
        subcommands: [Head.self, Verify.self, Log.self])

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the newest event's sequence number and hash as SEQ:HASH.",
            discussion: "Minute this outside the system; 'opcc audit verify --head SEQ:HASH' later proves the log "
                + "still reaches it. With --office, the newest event of that office's own chain. Example: opcc "
                + "audit head --office cumbria")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                if let office = global.office {
                    guard let head = try await app.auditHead(office: office) else {
                        throw ServiceRefusal.notFound(
                            rule: .knownOfficeChain, message: "office \(office) has no audit events")
                    }
                    printLine(head.description)
                } else {
                    printLine(try await app.auditHead().description)
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check every hash and link, the minuted head, rebuild every record's state from its events and "
                + "recompute every record's seal.",
            discussion: "Exits 1 and names the first event that does not match, and every record whose state or "
                + "content differs from what its events recorded. With --office, only that office's own chain and "
                + "records. Example: opcc audit verify --head 42:3f9a…")
        @Option(help: "A head minuted earlier, SEQ:HASH.") var head: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var minuted: AuditHead?
            if let head {
                guard let parsed = AuditHead(parsing: head) else {
                    throw ValidationError("--head must be SEQ:HASH with a 64-digit hex hash (see 'opcc audit head')")
                }
                minuted = parsed
            }
            try await runReportingRefusals {
                let result = try await global.open().verifyAudit(head: minuted, office: global.office)
                guard result.isIntact else {
                    throw ServiceRefusal(rule: .auditIntact, message: result.problems.joined(separator: "\n"))
                }
                printLine(
                    "audit log intact: \(result.eventsChecked) events, \(result.instancesRebuilt) records rebuilt, "
                        + "\(result.recordsSealed) seals matched, head \(result.head)")
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the acting person's office's audit events, oldest first.",
            discussion: "Example: opcc audit log --instance cumbria-DR-0001 --json --as cumbria.auditor")
        @Option(help: "Only this record's events.") var instance: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let events = try await app.auditLog(instance: instance, by: try global.actorName())
                if output.json {
                    printLine(try jsonText(events))
                    return
                }
                for e in events {
                    let move =
                        e.fromState == e.toState ? (e.toState ?? "") : "\(e.fromState ?? "∅") → \(e.toState ?? "")"
                    printLine(
                        "\(e.sequence)\t\(e.effectiveDay.iso)\t\(e.office)\t\(e.instanceID ?? "-")\t\(e.event)\t"
                            + "\(move)\t\(e.actor)\(e.role.map { " (\($0))" } ?? "")\t\(e.payload)")
                }
            }
        }
    }
}
