import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// An office's forward plan page: its key decisions to come, and what makes a decision key.
struct ForwardPlanPage: Encodable, Sendable {
    var heading: String
    var intro: String
    var policy: String
    var rows: [Row]
    var csv: String
    var ics: String
    var register: String

    struct Row: Encodable, Sendable {
        var number: String
        var title: String
        var amount: String
        var keyBecause: String
        var listed: String
        var expected: String
        var earliest: String
        var decisionMaker: String
    }
}

/// The Police and Crime Panel report page: the period asked for and every section of the report.
struct PanelReportPage: Encodable, Sendable {
    var heading: String
    var office: String
    var from: String
    var to: String
    var errors: [FieldError]
    var csv: String?
    var decided: String
    var allocated: String
    var sections: [Section]
    var strands: [Strand]

    struct Section: Encodable, Sendable {
        var id: String
        var heading: String
        var empty: String
        var reasonHeading: String?
        var rows: [Row]
    }

    struct Row: Encodable, Sendable {
        var number: String
        var title: String
        var href: String
        var decided: String
        var decisionMaker: String
        var outcome: String
        var amount: String
        var deadline: String
        var published: String
        var reason: String?
    }

    struct Strand: Encodable, Sendable {
        var strand: String
        var year: String
        var amount: String
        var count: Int
    }
}

extension Web {
    /// `/offices/ID/forward-plan` and its CSV (`.csv`) and iCalendar feed (`.ics`): public, for offices whose
    /// profile turns the plan on (404 for the others, as for an unknown office).
    func addForwardPlanRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/offices/:office/forward-plan") { _, context -> Response in
            guard let plan = try await forwardPlan(context) else { return noPlan(context) }
            return try forwardPlanPage(plan, context: context)
        }
        router.get("/offices/:office/forward-plan.csv") { _, context -> Response in
            guard let plan = try await forwardPlan(context) else { return noPlan(context) }
            return forwardPlanCSV(plan)
        }
        router.get("/offices/:office/forward-plan.ics") { _, context -> Response in
            guard let plan = try await forwardPlan(context) else { return noPlan(context) }
            return forwardPlanCalendar(plan)
        }
    }

    func forwardPlan(_ context: WebContext) async throws -> Commissioning.ForwardPlan? {
        let id = try context.parameters.require("office")
        do { return try await app.forwardPlan(office: id) } catch let error where Refusal.status(of: error) != nil {
            return nil
        }
    }

    func noPlan(_ context: WebContext) -> Response {
        pages.error(.notFound, message: "This office publishes no forward plan here.", context: context)
    }

    func forwardPlanPage(_ plan: Commissioning.ForwardPlan, context: WebContext) throws -> Response {
        let path = "/offices/\(plan.office.id)/forward-plan"
        let model = ForwardPlanPage(
            heading: "Forward plan: \(plan.office.name)",
            intro: "Key decisions the Commissioner, or the delegate the office names, expects to take, published at "
                + "least \(plan.policy.noticeClearDays) clear days before each is taken.",
            policy: Self.keyPolicy(plan.policy),
            rows: plan.items.map { item in
                ForwardPlanPage.Row(
                    number: item.number ?? "", title: item.title, amount: item.amount?.formatted ?? "",
                    keyBecause: sentence(item.keyBecause.joined(separator: "; ")), listed: Self.longDay(item.listedOn),
                    expected: Self.longDay(item.expectedOn), earliest: Self.longDay(item.earliestOn),
                    decisionMaker: item.decisionMaker)
            },
            csv: path + ".csv", ics: path + ".ics", register: "/offices/\(plan.office.id)/register")
        return try pages.page("forward-plan", title: model.heading, model: model, context: context)
    }

    /// What makes a decision key, in words.
    static func keyPolicy(_ policy: ForwardPlanPolicy) -> String {
        var parts: [String] = []
        if let above = policy.keyDecisionAbove { parts.append("of more than \(above)") }
        if policy.significantPublicInterestIsKey { parts.append("of significant public interest") }
        return "A decision is key when it is " + parts.joined(separator: ", or ") + "."
    }

    func forwardPlanCSV(_ plan: Commissioning.ForwardPlan) -> Response {
        var lines = [
            CSV.header([
                "office", "officeName", "number", "title", "amountPence", "keyBecause", "listedOn", "expectedOn",
                "earliestOn", "decisionMaker",
            ])
        ]
        for item in plan.items {
            lines.append(
                CSV.line([
                    .text(plan.office.id), .text(plan.office.name), .text(item.number ?? ""), .text(item.title),
                    .integer(item.amount?.pence), .text(item.keyBecause.joined(separator: "; ")),
                    .text(item.listedOn.iso), .text(item.expectedOn.iso), .text(item.earliestOn.iso),
                    .text(item.decisionMaker),
                ]))
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present", .cacheControl: "max-age=300",
                .contentDisposition: "attachment; filename=\"\(plan.office.id)-forward-plan.csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }

    /// The plan as an iCalendar feed (RFC 5545, `ICalendar`): one all-day event per key decision on its expected
    /// day, its UID stable per record so a calendar updates it when the day moves.
    func forwardPlanCalendar(_ plan: Commissioning.ForwardPlan) -> Response {
        let host = URL(string: publicURL)?.host ?? "opcc"
        let calendar = ICalendar(
            name: "Forward plan: \(plan.office.name)", stamp: Self.icalStamp(app.clock.now()),
            events: plan.items.map { item in
                ICalendar.Event(
                    uid: "forward-plan-\(item.id)@\(host)", day: item.expectedOn,
                    summary: "Key decision expected: \(item.title)",
                    description: [
                        item.number.map { "Decision \($0)" }, item.amount.map { "Amount \($0)" },
                        "Key: " + item.keyBecause.joined(separator: "; "), "Listed on \(item.listedOn.iso)",
                        "Decision-maker: \(item.decisionMaker)",
                    ].compactMap { $0 }.joined(separator: "\n"),
                    url: "\(publicURL)/offices/\(plan.office.id)/forward-plan", categories: ["Forward plan"])
            })
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/calendar; charset=utf-8", .cacheControl: "max-age=300",
                .contentDisposition: "inline; filename=\"\(plan.office.id)-forward-plan.ics\"",
            ], body: .init(byteBuffer: ByteBuffer(string: calendar.text)))
    }

    /// An instant as an iCalendar UTC date-time, `YYYYMMDDTHHMMSSZ`.
    static func icalStamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }
}

extension Web {
    /// `/panel-report` (the signed-in person's office): the Police and Crime Panel report for `from` (required: the
    /// last Panel meeting, say) to `to` (default today), as a page, as CSV (`/panel-report.csv`) and printable.
    func addPanelReportRoutes(to staff: RouterGroup<WebContext>) {
        staff.get("/panel-report") { request, context -> Response in
            let user = try context.signedIn()
            return try await panelReport(request, user: user, context: context)
        }
        staff.get("/panel-report.csv") { request, context -> Response in
            let user = try context.signedIn()
            let (office, from, to, errors) = try await panelPeriod(request, user: user)
            guard errors.isEmpty, let from else { return badQuery(errors) }
            let report = try await app.panelReport(office: office, from: from, to: to, by: user)
            return panelReportCSV(report)
        }
    }

    /// The report's office (the person's) and period from the query, with the field errors of a bad one.
    func panelPeriod(
        _ request: Request, user: String
    ) async throws -> (office: String, from: Day?, to: Day, errors: [FieldError]) {
        let query = plainQuery(request)
        let office = try await app.person(named: user)?.office ?? ""
        var errors: [FieldError] = []
        let today = app.clock.today()
        var from: Day?
        if let text = query["from"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            from = try? Day(iso: text)
            if from == nil {
                errors.append(FieldError(field: "from", message: "Enter the first day as YYYY-MM-DD, like 2016-03-01"))
            }
        }
        var to = today
        if let text = query["to"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let day = try? Day(iso: text) {
                to = day
            } else {
                errors.append(FieldError(field: "to", message: "Enter the last day as YYYY-MM-DD, like 2016-06-30"))
            }
        }
        if let from, errors.isEmpty, from > to {
            errors.append(FieldError(field: "from", message: "The first day must not be after the last day"))
        }
        return (office, from, to, errors)
    }

    func panelReport(_ request: Request, user: String, context: WebContext) async throws -> Response {
        let (office, from, to, errors) = try await panelPeriod(request, user: user)
        let query = plainQuery(request)
        var model = PanelReportPage(
            heading: "Police and Crime Panel report", office: "", from: query["from"] ?? "", to: query["to"] ?? "",
            errors: errors, csv: nil, decided: "", allocated: "", sections: [], strands: [])
        if errors.isEmpty, let from {
            let report = try await app.panelReport(office: office, from: from, to: to, by: user)
            model.heading = "Police and Crime Panel report: \(report.officeName)"
            model.office = "\(Self.longDay(report.from)) to \(Self.longDay(report.to))"
            model.from = from.iso
            model.to = to.iso
            model.csv = "/panel-report.csv?from=\(from.iso)&to=\(to.iso)"
            model.decided = Money(pence: report.decidedPence)?.formatted ?? ""
            model.allocated = Money(pence: report.allocatedPence)?.formatted ?? ""
            func rows(_ lines: [PanelReport.Line]) -> [PanelReportPage.Row] {
                lines.map { line in
                    PanelReportPage.Row(
                        number: line.number, title: line.title, href: "/decisions/\(line.id)",
                        decided: line.decidedOn.map(Self.longDay) ?? "", decisionMaker: line.decisionMaker,
                        outcome: line.outcome, amount: line.amount?.formatted ?? "",
                        deadline: line.part1Deadline.map(Self.longDay) ?? "",
                        published: line.publishedOn.map(Self.longDay) ?? "",
                        reason: line.reason.map { r in line.until.map { "\(r) (until \(Self.longDay($0)))" } ?? r })
                }
            }
            model.sections = [
                .init(
                    id: "decisions", heading: "Decisions taken", empty: "No decisions were taken in this period.",
                    rows: rows(report.decisions)),
                .init(
                    id: "delegated", heading: "Decisions taken under delegation",
                    empty: "No decisions were taken under delegation.", rows: rows(report.delegated)),
                .init(
                    id: "late", heading: "Part 1 published late",
                    empty: "Every Part 1 published in this period was published on time.",
                    rows: rows(report.latePublications)),
                .init(
                    id: "deferred", heading: "Publication deferred", empty: "No publication is deferred.",
                    reasonHeading: "Reason", rows: rows(report.deferred)),
                .init(
                    id: "without-notice", heading: "Key decisions taken without the forward plan's notice",
                    empty: "No key decision was taken without notice.", reasonHeading: "Reason of urgency",
                    rows: rows(report.withoutNotice)),
            ]
            model.strands = report.strands.map {
                .init(strand: $0.strand, year: $0.year, amount: $0.amount.formatted, count: $0.allocations)
            }
        }
        return try pages.page(
            "panel-report", title: (errors.isEmpty ? "" : "Error: ") + "Police and Crime Panel report", model: model,
            context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The report as one CSV: a `section` column naming each part, then the same columns for every line; the money
    /// by strand as rows of section `allocated-by-strand`.
    func panelReportCSV(_ report: PanelReport) -> Response {
        var lines = [
            CSV.header([
                "section", "number", "title", "decidedOn", "decisionMaker", "outcome", "amountPence", "strand",
                "part1Deadline", "publishedOn", "reason", "until",
            ])
        ]
        func add(_ section: String, _ items: [PanelReport.Line]) {
            for l in items {
                lines.append(
                    CSV.line([
                        .text(section), .text(l.number), .text(l.title), .text(l.decidedOn?.iso ?? ""),
                        .text(l.decisionMaker), .text(l.outcome), .integer(l.amount?.pence), .text(l.strand ?? ""),
                        .text(l.part1Deadline?.iso ?? ""), .text(l.publishedOn?.iso ?? ""), .text(l.reason ?? ""),
                        .text(l.until?.iso ?? ""),
                    ]))
            }
        }
        add("decision-taken", report.decisions)
        add("delegated", report.delegated)
        add("published-late", report.latePublications)
        add("deferred", report.deferred)
        add("without-notice", report.withoutNotice)
        for s in report.strands {
            lines.append(
                CSV.line([
                    "allocated-by-strand", "", .text("\(s.strand) \(s.year): \(s.allocations) allocations"), "", "", "",
                    .integer(s.amount.pence), .text(s.strand), "", "", "", "",
                ]))
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present", .cacheControl: "no-store",
                .contentDisposition:
                    "attachment; filename=\"\(report.office)-panel-report-\(report.from.iso)-\(report.to.iso).csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }
}
