import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// What a query of the public register asks for: the search (read by the same `DecisionFilter.text` rules and the
/// same services search as the staff register), the typed filters, the order and the page. Each bad value is a field
/// error naming its input; nothing is read from the register then.
struct PublicRegisterQuery {
    var filter = DecisionFilter()
    var q = ""
    var year = ""
    var outcome = ""
    var minimum = ""
    var maximum = ""
    var delegated = ""
    var sort = ""
    var paging: RegisterPaging.Request
    var errors: [FieldError] = []

    static let outcomes = ["approved", "not-approved"]

    init(_ query: [String: String], office: String?, feed: Bool = false) {
        var pagingErrors: [FieldError] = []
        paging = RegisterPaging.Request(query, errors: &pagingErrors)
        filter.office = office
        func text(_ name: String) -> String { (query[name] ?? "").trimmingCharacters(in: .whitespaces) }
        q = text("q")
        if !q.isEmpty { filter.text = q }
        year = text("year")
        if !year.isEmpty {
            if let y = Int(year), (2000...2100).contains(y) {
                filter.financialYearStart = y
            } else {
                errors.append(FieldError(field: "year", message: "Enter the year the financial year starts, like 2016"))
            }
        }
        outcome = text("status")
        if !outcome.isEmpty {
            if Self.outcomes.contains(outcome) {
                filter.outcome = outcome
            } else {
                errors.append(FieldError(field: "status", message: "Choose approved or not approved"))
            }
        }
        minimum = text("min")
        maximum = text("max")
        filter.minimumPence = amount(minimum, field: "min", label: "smallest")
        filter.maximumPence = amount(maximum, field: "max", label: "largest")
        if let low = filter.minimumPence, let high = filter.maximumPence, low > high {
            errors.append(FieldError(field: "max", message: "The largest amount must not be below the smallest"))
        }
        delegated = text("delegated")
        switch delegated {
        case "": break
        case "yes": filter.delegated = true
        case "no": filter.delegated = false
        default: errors.append(FieldError(field: "delegated", message: "Choose delegated, not delegated or either"))
        }
        sort = text("sort")
        if !sort.isEmpty {
            if let chosen = RegisterSort(rawValue: sort) {
                filter.sort = chosen
            } else {
                errors.append(FieldError(field: "sort", message: "Choose an order from the list"))
            }
        } else if feed {
            // A feed reader wants the newest first.
            filter.sort = .newest
        }
        errors += pagingErrors
    }

    /// An amount in pounds as people write it ("50000", "£50,000.00"), or nil with a field error.
    private mutating func amount(_ text: String, field: String, label: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        guard let money = try? Money(parsing: text), money.pence >= 0 else {
            errors.append(
                FieldError(field: field, message: "Enter the \(label) amount in pounds, like 50000 or £50,000"))
            return nil
        }
        return money.pence
    }

    /// The query's filters as link parameters (without the page), to keep in every link and feed.
    var kept: [(String, String)] {
        [
            ("q", q), ("year", year), ("status", outcome), ("min", minimum), ("max", maximum),
            ("delegated", delegated), ("sort", sort),
        ].filter { !$0.1.isEmpty }
    }

    /// `path` with the kept filters as its query.
    func link(_ path: String) -> String {
        var items = URLComponents()
        items.queryItems = kept.map { URLQueryItem(name: $0.0, value: $0.1) }
        let query = items.percentEncodedQuery ?? ""
        return query.isEmpty ? path : path + "?" + query
    }
}

/// The public register page: the national one or an office's, its search and filters, and its feeds.
struct PublicRegisterPage: Encodable, Sendable {
    var heading: String
    var intro: String
    var errors: [FieldError]
    var action: String
    var q: String
    var year: String
    var minimum: String
    var maximum: String
    var statuses: [Choice]
    var delegations: [Choice]
    var sorts: [Choice]
    var rows: [Row]
    var paging: RegisterPaging?
    var atom: String
    var csv: String
    /// The other registers: the national one from an office's, each office's from the national one.
    var offices: [OfficeLink]
    var national: Bool
    var forwardPlan: String?

    struct Row: Encodable, Sendable {
        var number: String
        var title: String
        var href: String
        var office: String
        var officeHref: String
        var decided: String
        var amount: String
        var outcome: String
        var outcomeClass: String
        var published: String
        /// Who decided in the Commissioner's place, under which delegation and limit (nil when the Commissioner did).
        var delegated: String?
    }

    struct OfficeLink: Encodable, Sendable {
        var name: String
        var href: String
    }

    /// The rows, the selects' options and the other registers as `RowHTML` writes them (and whether there are any
    /// rows or registers), in place of the lists themselves: Mustache's sections over them were a sixth of the page.
    private enum CodingKeys: String, CodingKey {
        case heading, intro, errors, action, q, year, minimum, maximum, statusesHTML, delegationsHTML, sortsHTML
        case paging, atom, csv, officesHTML, hasOffices, national, forwardPlan, rowsHTML, hasRows
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(heading, forKey: .heading)
        try c.encode(intro, forKey: .intro)
        try c.encode(errors, forKey: .errors)
        try c.encode(action, forKey: .action)
        try c.encode(q, forKey: .q)
        try c.encode(year, forKey: .year)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(maximum, forKey: .maximum)
        try c.encode(RowHTML.options(statuses), forKey: .statusesHTML)
        try c.encode(RowHTML.options(delegations), forKey: .delegationsHTML)
        try c.encode(RowHTML.options(sorts), forKey: .sortsHTML)
        try c.encodeIfPresent(paging, forKey: .paging)
        try c.encode(atom, forKey: .atom)
        try c.encode(csv, forKey: .csv)
        try c.encode(RowHTML.officeLinks(offices), forKey: .officesHTML)
        try c.encode(!offices.isEmpty, forKey: .hasOffices)
        try c.encode(national, forKey: .national)
        try c.encodeIfPresent(forwardPlan, forKey: .forwardPlan)
        try c.encode(RowHTML.publicRegister(rows, national: national), forKey: .rowsHTML)
        try c.encode(!rows.isEmpty, forKey: .hasRows)
    }
}

extension Web {
    /// The public registers: `/register` (every office) and `/offices/ID/register` (one office), each with its Atom
    /// feed (`.atom`) and CSV (`.csv`) of the same filtered list. Always the public's view, signed in or not:
    /// published records only, Part 1 only.
    func addPublicRegisterRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/register") { request, context -> Response in
            try await publicPages.response(request.uri.description, context: context, pages: pages) {
                try await publicRegister(request, office: nil, context: context)
            }
        }
        router.get("/register.atom") { request, context -> Response in
            try await publicRegisterAtom(request, office: nil, context: context)
        }
        router.get("/register.csv") { request, context -> Response in
            try await publicRegisterCSV(request, office: nil, context: context)
        }
        router.get("/offices/:office/register") { request, context -> Response in
            try await publicPages.response(request.uri.description, context: context, pages: pages) {
                try await publicRegister(request, office: try context.parameters.require("office"), context: context)
            }
        }
        router.get("/offices/:office/register.atom") { request, context -> Response in
            guard let office = try await publicOffice(context) else { return noOffice(context) }
            return try await publicRegisterAtom(request, office: office, context: context)
        }
        router.get("/offices/:office/register.csv") { request, context -> Response in
            guard let office = try await publicOffice(context) else { return noOffice(context) }
            return try await publicRegisterCSV(request, office: office, context: context)
        }
    }

    /// The office a public address names, or nil when there is none.
    func publicOffice(_ context: WebContext) async throws -> StoredOffice? {
        let id = try context.parameters.require("office")
        return try await app.office(id: id)
    }

    func noOffice(_ context: WebContext) -> Response {
        pages.error(.notFound, message: "There is no office at this address.", context: context)
    }

    /// Each office's name by its id, for the registers (people read "West Midlands", not "west-midlands").
    func officeNames() async throws -> [String: String] {
        Dictionary(try await app.officeNames().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// The national register (`officeID` nil) or an office's (404 for an office there is not): the page, the offices'
    /// names and whether the office publishes a forward plan, read in one transaction.
    func publicRegister(
        _ request: Request, office officeID: String?, context: WebContext
    ) async throws -> PublicPageCache.Answer {
        let asked = PublicRegisterQuery(plainQuery(request), office: officeID)
        var page = DecisionRegisterPage(rows: [], total: 0, next: nil)
        var offices: [(id: String, name: String)]
        var hasPlan = false
        if asked.errors.isEmpty {
            (page, offices, hasPlan) = try await app.decisionRegisterPageAndOffices(
                asked.filter, limit: RegisterPaging.pageSize, offset: asked.paging.offset, after: asked.paging.cursor,
                by: nil, forwardPlanOf: officeID)
        } else {
            offices = try await app.officeNames()
            if let officeID, offices.contains(where: { $0.id == officeID }) {
                hasPlan = try await app.profile(of: officeID).forwardPlan != nil
            }
        }
        let names = Dictionary(offices.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var office: (id: String, name: String)?
        if let officeID {
            guard let name = names[officeID] else { return .other(noOffice(context)) }
            office = (officeID, name)
        }
        let path = office.map { "/offices/\($0.id)/register" } ?? "/register"
        let heading = office.map { "Published decisions: \($0.name)" } ?? "Published decisions"
        var paging = RegisterPaging(page, request: asked.paging, path: path, kept: asked.kept)
        if asked.filter.sort != .register {
            // Another order is paged by number: the next page's link has no cursor.
            let more = asked.paging.number * RegisterPaging.pageSize < page.total
            paging = RegisterPaging(
                shown: page.rows.count, total: page.total, next: more ? [] : nil, request: asked.paging, path: path,
                kept: asked.kept, noun: "decisions")
        }
        let model = PublicRegisterPage(
            heading: heading,
            intro: office == nil
                ? "Decisions of the Police and Crime Commissioners, Part 1 as published."
                : "Decisions of the \(office!.name), Part 1 as published.",
            errors: asked.errors, action: path, q: asked.q, year: asked.year, minimum: asked.minimum,
            maximum: asked.maximum,
            statuses: [Choice(value: "", label: "Any outcome", selected: asked.outcome.isEmpty)]
                + PublicRegisterQuery.outcomes.map {
                    Choice(value: $0, label: statusLabel($0), selected: $0 == asked.outcome)
                },
            delegations: [("", "Either"), ("yes", "Delegated"), ("no", "Not delegated")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == asked.delegated)
            },
            sorts: RegisterSort.allCases.map {
                Choice(
                    value: $0 == .register ? "" : $0.rawValue, label: $0.label,
                    selected: $0 == asked.filter.sort)
            },
            rows: page.rows.map { row in
                PublicRegisterPage.Row(
                    number: row.number ?? "", title: row.title, href: "/register/\(row.id)",
                    office: names[row.office] ?? row.office, officeHref: "/offices/\(row.office)/register",
                    decided: row.decidedOn.map(Self.longDay) ?? "",
                    amount: row.amountPence.flatMap(Money.init(pence:))?
                        .formatted ?? "",
                    outcome: row.outcome.map(statusLabel) ?? "", outcomeClass: row.outcome ?? "",
                    published: row.publishedOn.map(Self.longDay) ?? "", delegated: delegationLabel(row))
            },
            paging: asked.errors.isEmpty ? paging : nil, atom: asked.link(path + ".atom"),
            csv: asked.link(path + ".csv"),
            offices: office == nil
                ? offices.map { .init(name: $0.name, href: "/offices/\($0.id)/register") }
                : [.init(name: "Every office", href: "/register")],
            national: office == nil, forwardPlan: hasPlan ? "/offices/\(office?.id ?? "")/forward-plan" : nil)
        guard asked.errors.isEmpty else {
            return .other(
                try pages.page(
                    "public-register", title: "Error: " + heading, model: model, context: context,
                    status: .unprocessableContent))
        }
        return .page(try pages.pageHTML("public-register", title: heading, model: model, context: context))
    }

    /// The same filtered list as an Atom feed (RFC 4287): its first page, newest first unless a sort is given.
    func publicRegisterAtom(_ request: Request, office: StoredOffice?, context: WebContext) async throws -> Response {
        let asked = PublicRegisterQuery(plainQuery(request), office: office?.id, feed: true)
        guard asked.errors.isEmpty else { return badQuery(asked.errors) }
        let page = try await app.decisionRegisterPage(
            asked.filter, limit: RegisterPaging.pageSize, offset: asked.paging.offset, after: asked.paging.cursor,
            by: nil)
        let names = try await officeNames()
        let base = publicURL
        let path = office.map { "/offices/\($0.id)/register" } ?? "/register"
        let entries = page.rows.map { row in
            AtomFeed.Entry(
                id: "\(base)/register/\(row.id)",
                title: [row.number, row.title].compactMap { $0 }.joined(separator: ": "),
                updated: AtomFeed.dateTime(row.publishedOn ?? row.decidedOn ?? app.clock.today()),
                link: "\(base)/register/\(row.id)",
                summary: [
                    names[row.office] ?? row.office, row.decidedOn.map { "decided \($0.iso)" },
                    row.amountPence.flatMap(Money.init(pence:))?.formatted, row.outcome.map(statusLabel),
                ].compactMap { $0 }.joined(separator: " · "))
        }
        let newest = page.rows.compactMap { $0.publishedOn ?? $0.decidedOn }.max() ?? app.clock.today()
        let feed = AtomFeed(
            id: base + asked.link(path + ".atom"),
            title: office.map { "Published decisions: \($0.name)" } ?? "Published decisions",
            updated: AtomFeed.dateTime(newest), author: office?.name ?? "Police and Crime Commissioners",
            selfLink: base + asked.link(path + ".atom"), alternateLink: base + asked.link(path), entries: entries)
        return Response(
            status: .ok,
            headers: [.contentType: "application/atom+xml; charset=utf-8", .cacheControl: "max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: feed.xml)))
    }

    /// The same filtered list as CSV (RFC 4180, with a header; text cells guarded against formula injection), every
    /// row of it in the chosen order.
    func publicRegisterCSV(_ request: Request, office: StoredOffice?, context: WebContext) async throws -> Response {
        let asked = PublicRegisterQuery(plainQuery(request), office: office?.id)
        guard asked.errors.isEmpty else { return badQuery(asked.errors) }
        let rows = try await app.decisionRegister(asked.filter, by: nil)
        let names = try await officeNames()
        let base = publicURL
        var lines = [
            CSV.header([
                "office", "officeName", "number", "title", "decidedOn", "outcome", "amountPence", "strand",
                "financialYear", "publishedOn", "part2Exists", "url",
            ])
        ]
        for r in rows {
            lines.append(
                CSV.line([
                    .text(r.office), .text(names[r.office] ?? r.office), .text(r.number ?? ""), .text(r.title),
                    .text(r.decidedOn?.iso ?? ""), .text(r.outcome ?? ""), .integer(r.amountPence),
                    .text(r.strand ?? ""), .text(r.financialYear ?? ""), .text(r.publishedOn?.iso ?? ""),
                    .text(r.part2Exists ? "yes" : "no"), .text("\(base)/register/\(r.id)"),
                ]))
        }
        let name = office.map { "\($0.id)-register.csv" } ?? "register.csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present", .cacheControl: "max-age=300",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }

    /// A feed or download asked for with a bad filter: 422, each problem on its own line, naming its field.
    func badQuery(_ errors: [FieldError]) -> Response {
        Response(
            status: .unprocessableContent, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(
                byteBuffer: ByteBuffer(string: errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))))
    }

    /// A day as people read it and as it should never wrap: "9 March 2016" (joined by no-break spaces).
    static func longDay(_ day: Day) -> String {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        return "\(day.day)\u{A0}\(months[day.month - 1])\u{A0}\(day.year)"
    }
}
