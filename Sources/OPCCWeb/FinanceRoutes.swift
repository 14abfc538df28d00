import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// The finance screens: budgets by year and strand with the reconciliation (and its CSV), allocations with the
    /// formula split (previewed, then confirmed), grant agreements and their acts, and carry-forwards.
    func addFinanceRoutes(to router: RouterGroup<WebContext>) {
        router.get("/finance") { request, context -> Response in
            try await financePage(
                year: queryYear(request), user: try context.signedIn(), context: context, query: plainQuery(request))
        }
        addFinanceFormRoutes(to: router)
        router.get("/finance/reconciliation.csv") { request, context -> Response in
            try await reconciliationCSV(request, user: try context.signedIn(), context: context)
        }
        router.get("/finance/allocations") { request, context -> Response in
            try await allocationsPage(year: queryYear(request), user: try context.signedIn(), context: context)
        }
        router.post("/finance/allocations/:step") { request, context -> Response in
            let form = try await form(request, context)
            let user = try context.signedIn()
            let step = try context.parameters.require("step")
            if step == "single" { return try await allocateSingle(form: form, user: user, context: context) }
            return try await splitStep(step, form: form, user: user, context: context)
        }
        router.get("/grants") { _, context -> Response in
            try await grantsPage(user: try context.signedIn(), context: context)
        }
        router.get("/grants/:id") { _, context -> Response in
            try await grantPage(try context.parameters.require("id"), user: try context.signedIn(), context: context)
        }
        router.post("/grants/:id/:act") { request, context -> Response in
            let form = try await form(request, context)
            return try await grantAct(
                try context.parameters.require("id"), act: try context.parameters.require("act"), form: form,
                user: try context.signedIn(), context: context)
        }
        router.get("/finance/carry-forwards") { _, context -> Response in
            try await carryForwardsPage(user: try context.signedIn(), context: context)
        }
        router.post("/finance/carry-forwards") { request, context -> Response in
            let form = try await form(request, context)
            return try await requestCarryForward(form: form, user: try context.signedIn(), context: context)
        }
        router.post("/finance/carry-forwards/:id/decide") { request, context -> Response in
            let form = try await form(request, context)
            return try await decideCarryForward(
                try context.parameters.require("id"), form: form, user: try context.signedIn(), context: context)
        }
    }

    // MARK: Shared

    /// The year a page asks for (`?year=2016/17`), if any.
    func queryYear(_ request: Request) -> FinancialYear? {
        guard let text = request.uri.queryParameters["year"].map(String.init), !text.isEmpty else { return nil }
        return try? FinancialYear(parsing: text.removingPercentEncoding ?? text)
    }

    func financeNav(_ current: String) -> [NavLink] {
        [
            ("/finance", "Budgets and reconciliation"), ("/finance/allocations", "Allocations"),
            ("/grants", "Grant agreements"), ("/finance/carry-forwards", "Carry-forwards"),
        ].map { href, label in NavLink(href: href, label: label, current: href == current) }
    }

    func readerRoles(_ user: String) async throws -> Set<Role> {
        try await app.person(named: user)?.actor.roles(covering: nil) ?? []
    }

    // MARK: Budgets and reconciliation

    /// `/finance`: the year's strands and its reconciliation, a page of lines at a time (`page` from the start, or
    /// `after` the line a next link names: `RegisterPaging.pageSize` lines), with the forms finance uses.
    func financePage(
        year: FinancialYear?, user: String, context: WebContext, errors: [FieldError] = [],
        entered: [String: String] = [:], status: HTTPResponse.Status = .ok, query: [String: String] = [:]
    ) async throws -> Response {
        var errors = errors
        var status = status
        var query = query
        let afterText = query.removeValue(forKey: "after") ?? ""
        var pagingErrors: [FieldError] = []
        var asked = RegisterPaging.Request(query, errors: &pagingErrors)
        var after: ReconciliationCursor?
        if !afterText.isEmpty {
            after = ReconciliationCursor(text: afterText)
            if after == nil {
                pagingErrors.append(
                    FieldError(
                        field: "after",
                        message: "This link to the next page is not one the reconciliation made: start from the first "
                            + "page"))
            }
        }
        if !pagingErrors.isEmpty {
            errors += pagingErrors
            status = .unprocessableContent
            asked = RegisterPaging.Request([:], errors: &pagingErrors)
            after = nil
        }
        // The office's year is read once, and only the page's lines (and the strands' own lines, for the chart and
        // the strands' table) are made into rows and rendered; only the page's recipients' names are read.
        let overview = try await found {
            try await app.financeYearPage(
                as: user, year: year,
                from: after.map { .after(strand: $0.strand, recipient: $0.recipient) } ?? .offset(asked.offset),
                limit: RegisterPaging.pageSize)
        }
        let names = overview.recipientNames
        let strandNames = Dictionary(
            overview.strands.map { ($0.strand, $0.name) }, uniquingKeysWith: { a, _ in a })
        let strandLines = overview.strandLines
        let year = overview.year?.description ?? ""
        let chart = GroupedBarChart(
            title: "Budget used per strand, \(year)", series: ["Budget", "Allocated", "Paid"],
            groups: strandLines.map { row in
                .init(label: row.strand ?? "", values: [row.budgetPence, row.allocatedPence, row.paidPence])
            }, id: "strands")
        let start = overview.start
        let shown = overview.lines
        let rows = shown.map { r in
            let strand = r.strand ?? ""
            return FinancePage.Line(
                line: r.recipient.map { "\(names[$0] ?? $0) (\($0))" } ?? "\(strand): \(strandNames[strand] ?? strand)",
                strandLine: r.recipient == nil, budget: r.budgetPence.map(pounds) ?? "",
                allocated: pounds(r.allocatedPence), committed: pounds(r.committedPence), paid: pounds(r.paidPence),
                returned: pounds(r.returnedPence), carriedIn: pounds(r.carriedInPence),
                carriedOut: pounds(r.carriedOutPence), available: pounds(r.availablePence),
                unallocated: r.unallocatedPence.map(pounds) ?? "", clawback: pounds(r.clawbackDuePence))
        }
        // The pages are offered only when the year has more lines than one page holds: a small year's page is as it
        // always was.
        var paging: RegisterPaging?
        if overview.total > RegisterPaging.pageSize || asked.number > 1 || after != nil {
            let next = shown.last.flatMap { last in
                start + shown.count < overview.total
                    ? [("after", ReconciliationCursor(strand: last.strand ?? "", recipient: last.recipient ?? "").text)]
                    : nil
            }
            paging = RegisterPaging(
                shown: shown.count, total: overview.total, next: next, request: asked, path: "/finance",
                kept: year.isEmpty ? [] : [("year", year)], noun: "lines")
        }
        let strands = strandLines.map { r in
            let budget = r.budgetPence ?? 0
            return FinancePage.Strand(
                strand: r.strand ?? "", name: strandNames[r.strand ?? ""] ?? "", budget: pounds(budget),
                allocated: pounds(r.allocatedPence), paid: pounds(r.paidPence),
                unallocated: r.unallocatedPence.map(pounds) ?? "",
                used: budget > 0 ? "\(r.allocatedPence * 100 / budget)%" : "")
        }
        var model = FinancePage(
            nav: financeNav("/finance"), office: overview.office, year: year,
            years: overview.years.map { y in
                NavLink(href: "/finance?year=\(y)", label: y.description, current: y == overview.year)
            }, strands: strands, rowsHTML: FinancePage.rowsHTML(rows), svg: chart.svg, hasMoney: overview.year != nil,
            csv: "/finance/reconciliation.csv?year=\(year)", errors: errors, paging: paging)
        if try await readerRoles(user).contains(.finance) {
            budgetForms(&model, entered: entered, errors: errors, year: year)
        }
        return try pages.page(
            "finance", title: (errors.isEmpty ? "" : "Error: ") + "Budgets and reconciliation", model: model,
            context: context, status: status)
    }

    func reconciliationCSV(_ request: Request, user: String, context: WebContext) async throws -> Response {
        let overview = try await found { try await app.financeOverview(as: user, year: queryYear(request)) }
        let header = [
            "office", "year", "strand", "recipient", "budgetPence", "allocatedPence", "committedPence", "paidPence",
            "returnedPence", "carriedInPence", "carriedOutPence", "availablePence", "unallocatedPence",
            "clawbackDuePence", "writtenOffPence",
        ]
        func n(_ p: Int64?) -> String { p.map(String.init) ?? "" }
        let lines =
            [CSV.header(header)]
            + overview.reconciliation.map { r in
                CSV.line(
                    [
                        r.office, r.financialYear, r.strand ?? "", r.recipient ?? "(strand)", n(r.budgetPence),
                        n(r.allocatedPence), n(r.committedPence), n(r.paidPence), n(r.returnedPence),
                        n(r.carriedInPence), n(r.carriedOutPence), n(r.availablePence), n(r.unallocatedPence),
                        n(r.clawbackDuePence), n(r.writtenOffPence),
                    ], numberColumns: Set(4..<header.count))
            }
        let name =
            "reconciliation-\(overview.office)-\((overview.year?.description ?? "none").replacingOccurrences(of: "/", with: "-")).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: lines.map { $0 + "\r\n" }.joined())))
    }
}

/// Pence as pounds, with a minus sign for a negative figure.
func pounds(_ pence: Int64) -> String { SignedMoney(pence: pence).formatted }
