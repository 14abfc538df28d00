import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc finance`: budgets, allocations and the double-entry ledger beneath them.
struct FinanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finance",
        abstract: "Budgets, allocations, the ledger, the reconciliation and the books check.",
        discussion: "Example: opcc finance reconciliation --year 2016/17 --office cumbria",
        subcommands: [
            Budget.self, Vire.self, Allocate.self, AllocateSplit.self, CarryForward.self, Agreements.self,
            Agreement.self, Proposals.self, RefuseProposal.self, WriteOff.self,
            Reverse.self, Reconcile.self, Check.self,
        ])

    struct Budget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a strand's budget for a financial year (the difference is posted from the year's funding).",
            discussion: "Example: opcc finance budget --year 2016/17 --strand ASB --name \"Anti-social behaviour\" "
                + "--amount £250,000 --office cumbria --as cumbria.finance")
        @Option(help: "Financial year, e.g. 2016/17.") var year: String
        @Option(help: "Strand code, e.g. ASB.") var strand: String
        @Option(help: "Strand name.") var name: String
        @Option(help: "The strand's budget for the year, e.g. £250,000.") var amount: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (fy, money) = try parseYearAndAmount(year, amount)
            try await runReportingRefusals {
                let app = try global.open()
                let office = try await app.resolveOffice(global.office)
                try await app.setBudget(
                    office: office, year: fy, strand: strand, name: name, amount: money, by: try global.actorName(),
                    on: try global.effectiveDay())
                printLine("\(office) \(fy) \(strand): budget \(money)")
            }
        }
    }

    struct Allocate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allocate money from a strand to a recipient under an approved decision.",
            discussion: """
                Refused, with the numbers, without an approved decision, beyond the decision's amount, or beyond the \
                strand's unallocated budget (unless the office profile declares an over-commitment percentage).
                Example: opcc finance allocate --year 2016/17 --strand ASB --decision 014/2016 --recipient GB-LAE-BAR \
                --recipient-name "Barrow Borough Council" --purpose "VLI pilot, Ormsgill" --area Ormsgill \
                --amount £50,000 --office cumbria --as cumbria.finance
                """)
        @Option(help: "Financial year.") var year: String
        @Option(help: "Strand code.") var strand: String
        @Option(help: "The approving decision (number or record id).") var decision: String
        @Option(help: "Recipient org-id, e.g. GB-LAE-BAR or GB-CHC-1234567.") var recipient: String
        @Option(help: "Recipient name.") var recipientName: String
        @Option(help: "What the money is for.") var purpose: String
        @Option(help: "Ward or district, where the money is for an area.") var area: String?
        @Option(help: "Amount.") var amount: String
        @Flag(help: "Capital rather than revenue spending.") var capital = false
        @Flag(help: "Includes a revenue contribution to capital outlay.") var revenueContributionToCapital = false
        @Option(help: "single, fixed-per-area, formula or grant-round.") var method: String = "single"
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (fy, money) = try parseYearAndAmount(year, amount)
            guard let m = Allocation.Method(rawValue: method) else {
                throw ValidationError("--method must be single, fixed-per-area, formula or grant-round")
            }
            try await runReportingRefusals {
                let app = try global.open()
                var request = Commissioning.AllocationRequest(
                    office: try await app.resolveOffice(global.office), year: fy, strand: strand,
                    recipientOrgID: recipient,
                    recipientName: recipientName, purpose: purpose, area: area, decision: decision, amount: money)
                request.spendKind = capital ? .capital : .revenue
                request.revenueContributionToCapital = revenueContributionToCapital
                request.method = m
                let made = try await app.allocate([request], by: try global.actorName(), on: try global.effectiveDay())
                for a in made {
                    printLine(
                        "\(a.id): \(a.amount) to \(a.recipientName) (\(a.recipientOrgID)) from \(a.strand) \(a.year)"
                            + (a.overCommitmentPercent.map { " — relies on the declared \($0)% over-commitment" } ?? "")
                    )
                }
            }
        }
    }

    struct Vire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move unallocated budget between two strands of a year (a virement), with a reason.",
            discussion: "Above the office's virementDecisionAbove, an approved decision is needed. Example: opcc "
                + "finance vire --year 2016/17 --from ASB --to VICTIMS --amount £10,000 --reason \"demand\" "
                + "--office cumbria --as cumbria.finance")
        @Option(help: "Financial year.") var year: String
        @Option(help: "Strand the money leaves.") var from: String
        @Option(help: "Strand the money joins.") var to: String
        @Option(help: "Amount.") var amount: String
        @Option(help: "Why.") var reason: String
        @Option(help: "The approving decision, where the amount needs one.") var decision: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (fy, money) = try parseYearAndAmount(year, amount)
            try await runReportingRefusals {
                let app = try global.open()
                try await app.vire(
                    office: try await app.resolveOffice(global.office), year: fy, from: from, to: to, amount: money,
                    reason: reason, decision: decision, by: try global.actorName(), on: try global.effectiveDay())
                printLine("moved \(money) from \(from) to \(to) in \(fy)")
            }
        }
    }

    struct AllocateSplit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allocate-split",
            abstract: "Allocate to several recipients at once: fixed per area, a weighted formula, or a grant round.",
            discussion: """
                The file gives year, strand, decision, purpose, method (fixed-per-area, formula or grant-round), \
                amountEach, or total and weights, or bands (name, upTo), and recipients (orgId, name, area, factors \
                or amount). Formula shares are integer pence by largest remainder, ties by recipient id: they sum \
                exactly to the total. A grant round's awards each record their size band; all or none are made.
                Example: opcc finance allocate-split --file split.yaml --office cumbria --as cumbria.finance
                """)
        @Option(help: "YAML or JSON file describing the split.") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let text = try readUserFile(file)
                let made = try await app.allocateSplit(
                    try Commissioning.SplitFile.parse(yaml: text, source: file),
                    office: try await app.resolveOffice(global.office), by: try global.actorName(),
                    on: try global.effectiveDay())
                for a in made {
                    printLine(
                        "\(a.id): \(a.amount) to \(a.recipientName) (\(a.recipientOrgID))"
                            + (a.sizeBand.map { ", \($0) band" } ?? ""))
                }
            }
        }
    }

    struct Agreements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List grant agreements: state, recipient, amount, assessments, signatures and instalments.",
            discussion: "Example: opcc finance agreements --office cumbria --json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        struct Entry: Encodable {
            var id, state, recipientOrgId, recipientName: String
            var amountPence: Int64
            var equalityImpactAssessment, riskAssessment: String?
            var signedBy: [String]
            var instalments: [String]
        }

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let list = try await app.agreements(office: try await global.resolvedOffice(app))
                let entries = list.map { a, state in
                    Entry(
                        id: a.id, state: state, recipientOrgId: a.recipient.orgID, recipientName: a.recipient.name,
                        amountPence: a.amount.pence, equalityImpactAssessment: a.equalityImpactAssessment?.reference,
                        riskAssessment: a.riskAssessment?.reference, signedBy: a.signatures.map(\.name),
                        instalments: a.payments.map {
                            "\($0.id) \($0.amount) \($0.condition)" + ($0.paidOn.map { ", paid \($0.iso)" } ?? "")
                        })
                }
                if output.json {
                    printLine(try jsonText(entries))
                    return
                }
                for e in entries {
                    printLine(
                        "\(e.id)\t\(e.state)\t\(Money(pence: e.amountPence)!)\t\(e.recipientName)\t"
                            + "EIA \(e.equalityImpactAssessment ?? "missing"), risk \(e.riskAssessment ?? "missing")\t"
                            + e.instalments.joined(separator: "; "))
                }
                if entries.isEmpty { printLine("no grant agreements") }
            }
        }
    }

    struct WriteOff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-off",
            abstract: "Write off money due back that will not be recovered (clawback due → written off).",
            discussion: """
                Writing off public money is the Commissioner's decision: cite the approved decision record, and give \
                a reason. At most what is due back from the recipient on that strand and year.
                Example: opcc finance write-off --year 2016/17 --strand ASB --recipient GB-LAE-BAR --amount £500 \
                --decision 021/2017 --reason "council in administration" --as cumbria.finance
                """)
        @Option(help: "Financial year, e.g. 2016/17.") var year: String
        @Option(help: "Budget strand code.") var strand: String
        @Option(help: "The recipient's org-id.") var recipient: String
        @Option(help: "Amount, e.g. £500.") var amount: String
        @Option(help: "The approved decision record authorising it.") var decision: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (fy, money) = try parseYearAndAmount(year, amount)
            try await runReportingRefusals {
                let app = try global.open()
                try await app.writeOff(
                    office: try await app.resolveOffice(global.office), year: fy, strand: strand, recipient: recipient,
                    amount: money, decision: decision, reason: reason, by: try global.actorName(),
                    on: try global.effectiveDay())
                printLine("wrote off \(money) due from \(recipient) (\(strand) \(fy))")
            }
        }
    }

    struct Reverse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct the ledger: post the reversal of a posting, with a reason.",
            discussion: "Nothing is edited or deleted. Example: opcc finance reverse 7 --reason \"wrong strand\" "
                + "--as cumbria.finance")
        @Argument(help: "The posting's sequence number.") var posting: Int64
        @Option(help: "Why.") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let seq = try await app.reversePosting(
                    posting, reason: reason, by: try global.actorName(), on: try global.effectiveDay())
                printLine("posting \(seq) reverses posting \(posting)")
            }
        }
    }

    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reconciliation",
            abstract: "Per strand and recipient: budget, allocated, committed, paid, returned, carried in and out, "
                + "available, unallocated.",
            discussion: "Example: opcc finance reconciliation --year 2016/17 --office cumbria --csv")
        @Option(help: "Financial year.") var year: String
        @Option(help: "Only this strand.") var strand: String?
        @Option(help: "Only this recipient (org-id).") var recipient: String?
        @Flag(help: "CSV output.") var csv = false
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let fy: FinancialYear
            do { fy = try FinancialYear(parsing: year) } catch { throw ValidationError(error.description) }
            try await runReportingRefusals {
                let app = try global.open()
                let rows = try await app.reconciliation(
                    year: fy, office: try await global.resolvedOffice(app), strand: strand,
                    recipient: recipient)
                if output.json {
                    printLine(try jsonText(rows))
                    return
                }
                let header = [
                    "office", "year", "strand", "recipient", "budget", "allocated", "committed", "paid", "returned",
                    "carriedIn", "carriedOut", "available", "unallocated", "clawbackDue", "writtenOff",
                ]
                func money(_ p: Int64?) -> String {
                    guard let p else { return "" }
                    return csv ? String(p) : SignedMoney(pence: p).description
                }
                let lines = rows.map { r in
                    [
                        r.office, r.financialYear, r.strand ?? "", r.recipient ?? "(strand)", money(r.budgetPence),
                        money(r.allocatedPence), money(r.committedPence), money(r.paidPence), money(r.returnedPence),
                        money(r.carriedInPence), money(r.carriedOutPence), money(r.availablePence),
                        money(r.unallocatedPence), money(r.clawbackDuePence), money(r.writtenOffPence),
                    ]
                }
                if csv {
                    // Money in CSV is integer pence, in columns named …Pence.
                    print(CSV.header(Array(header.prefix(4)) + header.dropFirst(4).map { $0 + "Pence" }))
                    for l in lines { print(CSV.line(l, numberColumns: Set(4..<header.count))) }
                } else {
                    printLine(header.joined(separator: "\t"))
                    for l in lines { printLine(l.joined(separator: "\t")) }
                    if rows.isEmpty { printLine("no money recorded for \(fy)") }
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every balance independently from the postings and check every invariant.",
            discussion: """
                Compares every row of the balances cache (each account's balance per year, kept with the postings) \
                with the postings, which are the books, naming account, year, cached and recomputed for each that \
                differs. Exits 1 and lists each difference. Example: opcc finance check
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let problems = try await global.open().financeCheck()
                guard problems.isEmpty else {
                    throw ServiceRefusal(rule: .booksBalance, message: problems.joined(separator: "\n"))
                }
                printLine("the books balance: every account recomputed from its postings, every posting audited")
            }
        }
    }
}

func parseYearAndAmount(_ year: String, _ amount: String) throws -> (FinancialYear, Money) {
    do { return (try FinancialYear(parsing: year), try Money(parsing: amount)) } catch {
        throw ValidationError(describe(error))
    }
}
