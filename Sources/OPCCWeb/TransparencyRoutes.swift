import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The transparency publications, public and without sign-in: `/transparency`, the grants register, spending
    /// over £500 and contracts over £10,000 (each a page, `.csv` and `.json`, `?month=YYYY-MM` and `?office=ID`),
    /// and `/transparency/360giving.json`. The services decide what is published; these routes only present it.
    func addTransparencyRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/transparency") { _, context -> Response in
            try pages.page(
                "transparency", title: "Transparency publications",
                model: TransparencyPage(
                    sections: Publication.allCases.map { p in
                        .init(
                            id: p.rawValue, heading: p.heading, summary: p.summary, href: p.path, csv: p.path + ".csv",
                            json: p.path + ".json")
                    } + [
                        .init(
                            id: "360giving", heading: "Grants in the 360Giving Data Standard",
                            summary: "Every published grant as a 360Giving data package (JSON), amounts in pounds, "
                                + "for GrantNav and other tools.",
                            href: "/transparency/360giving.json")
                    ]), context: context)
        }
        for publication in Publication.allCases {
            router.get(RouterPath(publication.path)) { request, context -> Response in
                try await present(publication, as: .page, request, context)
            }
            router.get(RouterPath(publication.path + ".csv")) { request, context -> Response in
                try await present(publication, as: .csv, request, context)
            }
            router.get(RouterPath(publication.path + ".json")) { request, context -> Response in
                try await present(publication, as: .json, request, context)
            }
        }
        router.get("/transparency/360giving.json") { request, context -> Response in
            // One office and one year: the whole package, kept by the services while nothing published changes,
            // sent as one buffer (the office is resolved only when the package is made again).
            if let officeText = request.uri.queryParameters["office"].map(String.init), !officeText.isEmpty,
                let start = request.uri.queryParameters["year"].flatMap({ Int(String($0)) }),
                (2000...2100).contains(start)
            {
                let package: Data
                do {
                    package = try await app.threeSixtyGivingYear(
                        office: officeText, year: FinancialYear(startYear: start), documentBase: publicURL)
                } catch let refusal as ServiceRefusal where refusal.rule == ServiceRefusal.Rule.knownOffice.rawValue {
                    return pages.error(.notFound, message: "There is no office '\(officeText)' here.", context: context)
                }
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/json", .cacheControl: "no-store",
                        .init("X-Content-Type-Options")!: "nosniff",
                        .contentDisposition: "inline; filename=\"360giving-\(officeText)-\(start).json\"",
                    ],
                    body: .init(byteBuffer: ByteBuffer(bytes: package)))
            }
            let office: String?
            switch await officeParameter(request, context) {
            case .refused(let response): return response
            case .chosen(let value): office = value
            }
            var year: FinancialYear?
            if let text = request.uri.queryParameters["year"].map(String.init), !text.isEmpty {
                guard let start = Int(text), (2000...2100).contains(start) else {
                    return pages.error(
                        .badRequest,
                        message:
                            "The year is the one a financial year starts in, like 2016 for 2016-17: '\(text)' is not.",
                        context: context)
                }
                year = FinancialYear(startYear: start)
            }
            // Documents are linked from the configured public URL: a request's Host header is the sender's to choose.
            // The package is streamed a financial year at a time: the national one never sits whole in memory.
            let filename = "360giving\(office.map { "-\($0)" } ?? "")\(year.map { "-\($0.startYear)" } ?? "").json"
            let pieces = try await app.threeSixtyGivingStream(office: office, year: year, documentBase: publicURL)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json", .cacheControl: "no-store",
                    .init("X-Content-Type-Options")!: "nosniff",
                    .contentDisposition: "inline; filename=\"\(filename)\"",
                ],
                body: ResponseBody(asyncSequence: pieces.map { ByteBuffer(bytes: $0) }))
        }
    }

    /// The three tables.
    enum Publication: String, CaseIterable, Sendable {
        case grants, spending, contracts

        var path: String { "/transparency/\(rawValue)" }

        var heading: String {
            switch self {
            case .grants: return "Grants register"
            case .spending: return "Expenditure over £500"
            case .contracts: return "Contracts over £10,000"
            }
        }

        var summary: String {
            switch self {
            case .grants:
                return "Each grant awarded: the recipient, the purpose, the amount, its conditions, how it will reduce "
                    + "crime and disorder, and the decision that approved it."
            case .spending: return "Each payment over £500: the date, the recipient, the amount and what it was for."
            case .contracts:
                return "Each agreement worth over £10,000: the other party, the value, the dates and what it is for."
            }
        }

        var monthHint: String {
            switch self {
            case .grants: return "Grants decided in the month."
            case .spending: return "Payments made in the month."
            case .contracts: return "Contracts in force on any day of the month."
            }
        }
    }

    enum Rendering { case page, csv, json }

    private func present(
        _ publication: Publication, as form: Rendering, _ request: Request, _ context: WebContext
    ) async throws -> Response {
        let office: String?
        switch await officeParameter(request, context) {
        case .refused(let response): return response
        case .chosen(let value): office = value
        }
        let monthText = request.uri.queryParameters["month"].map(String.init) ?? ""
        var month: Month?
        if !monthText.isEmpty {
            do { month = try Month(parsing: monthText) } catch {
                return pages.error(.badRequest, message: sentence(error.description) + ".", context: context)
            }
        }
        let (table, columns, cells) = try await tabulate(publication, office: office, month: month)
        let suffix = month.map { "-\($0)" } ?? ""
        switch form {
        case .csv:
            return download(
                table.csv(), type: "text/csv; charset=utf-8", filename: "\(publication.rawValue)\(suffix).csv")
        case .json:
            return download(table.json(), type: "application/json", filename: "\(publication.rawValue)\(suffix).json")
        case .page:
            var query: [String] = []
            if let office { query.append("office=\(office)") }
            if let month { query.append("month=\(month)") }
            let q = query.isEmpty ? "" : "?" + query.joined(separator: "&")
            return try pages.page(
                "transparency-table", title: publication.heading + (month.map { ", \($0)" } ?? ""),
                model: PublicationPage(
                    heading: publication.heading, intro: publication.summary, monthHint: publication.monthHint,
                    action: publication.path, office: office ?? "", month: month?.description ?? "",
                    csv: publication.path + ".csv" + q, json: publication.path + ".json" + q,
                    caption: publication.heading + (month.map { ", \($0)" } ?? ", every month")
                        + (office.map { ", \($0)" } ?? ""),
                    columns: columns, rows: cells.map { .init(cells: $0) }), context: context)
        }
    }

    /// A publication's rows for the office and month: the table (for CSV and JSON) and the page's columns and cells.
    private func tabulate(
        _ publication: Publication, office: String?, month: Month?
    ) async throws -> (TransparencyTable, columns: [String], cells: [[String]]) {
        let table: TransparencyTable
        var cells: [[String]] = []
        let columns: [String]
        switch publication {
        case .grants:
            let grants = try await app.transparencyGrants(office: office, month: month)
            table = .grantsRegister(grants, documentBase: publicURL)
            columns = [
                "Recipient", "Purpose", "Amount", "Conditions", "How it will reduce crime and disorder", "Decision",
                "Areas",
            ]
            cells = grants.map { g in
                [
                    g.recipient.name, g.purpose, g.amount.formatted, g.conditions.joined(separator: "; "),
                    g.crimeAndDisorderStatement, "\(g.decisionNumber), \(g.decisionDate.iso)",
                    g.beneficiaryAreas.map(\.name).joined(separator: ", "),
                ]
            }
        case .spending:
            let items = try await app.spendingOver500(office: office, month: month)
            table = .spending(items)
            columns = ["Date", "Recipient", "Amount", "Purpose", "Expense type", "Strand", "Reference"]
            cells = items.map { s in
                [
                    s.date.iso, s.recipient.name, s.amount.formatted, s.purpose, s.expenseType,
                    "\(s.strand) \(s.financialYear)", s.reference,
                ]
            }
        case .contracts:
            let items = try await app.contractsOver10000(office: office, month: month)
            table = .contracts(items, documentBase: publicURL)
            columns = ["Reference", "Other party", "Value", "Start", "End", "Description", "Decision"]
            cells = items.map { c in
                [
                    c.reference, c.counterparty.name, c.value.formatted, c.period.start.iso, c.period.end.iso,
                    c.description, c.decisionNumber,
                ]
            }
        }
        return (table, columns, cells)
    }

    /// The list of publications.
    struct TransparencyPage: Encodable, Sendable {
        var sections: [Section]

        struct Section: Encodable, Sendable {
            var id: String
            var heading: String
            var summary: String
            var href: String
            var csv: String?
            var json: String?
        }
    }

    /// One publication's table, filtered by office and month.
    struct PublicationPage: Encodable, Sendable {
        var heading: String
        var intro: String
        var monthHint: String
        var action: String
        var office: String
        var month: String
        var csv: String
        var json: String
        var caption: String
        var columns: [String]
        var rows: [Row]

        struct Row: Encodable, Sendable {
            var cells: [String]
        }
    }

    /// The office a request names with `?office=ID` (nil: every office), or the page saying there is none.
    enum OfficeChoice {
        case chosen(String?)
        case refused(Response)
    }

    private func officeParameter(_ request: Request, _ context: WebContext) async -> OfficeChoice {
        guard let text = request.uri.queryParameters["office"].map(String.init), !text.isEmpty else {
            return .chosen(nil)
        }
        do { return .chosen(try await app.resolveOffice(text)) } catch {
            return .refused(
                pages.error(.notFound, message: "There is no office '\(text)' here.", context: context))
        }
    }

    private func download(_ text: String, type: String, filename: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-store", .init("X-Content-Type-Options")!: "nosniff",
                .contentDisposition: "inline; filename=\"\(filename)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
