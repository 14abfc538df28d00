import Foundation
import Mustache
import OPCCCore
import PropertyBased
import Testing

@testable import OPCCWeb

/// The registers' rows are written by `RowHTML` in Swift; their Mustache (`Templates.registerRow`,
/// `Templates.publicRegisterRow`) says what they are. Any row, with any text, comes out the same both ways, but for
/// the spaces between tags.
@Suite("Web: register rows written in Swift are their templates' rows")
struct RowHTMLTests {
    static let library: MustacheLibrary = {
        _ = try? Pages()  // registers the escaping content type
        return MustacheLibrary(templates: [
            "staff": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.registerRow + "{{/rows}}"),
            "public": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.publicRegisterRow + "{{/rows}}"),
            "returns": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.returnRow + "{{/rows}}"),
            "options": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.optionRow + "{{/rows}}"),
            "offices": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.officeLinkRow + "{{/rows}}"),
        ])
    }()

    /// Runs of white space as one space, and none between tags.
    static func squeezed(_ html: String) -> String {
        html.split(whereSeparator: \.isWhitespace).joined(separator: " ").replacingOccurrences(of: "> <", with: "><")
    }

    static let text = HostileText.text
    static let maybe = Gen.frequency((2, text.map { Optional($0) }), (1, Gen.always(nil)))

    static let staffRow = zip(text, text, text, text, maybe, Gen.bool).map { a, b, c, d, delegated, overdue in
        var row = RegisterRow(
            DecisionRegisterRow(
                id: a, office: b, number: c, title: d, status: "published", amountPence: nil, strand: nil,
                financialYear: nil, originatingOfficer: "o", decidedOn: nil, outcome: nil, part1Deadline: nil,
                publishedOn: nil, deferred: false, deferralUntil: nil, part2Exists: false, exceptionCount: 0),
            href: "/decisions/\(a)", today: Day(year: 2026, month: 12, day: 7)!)
        row.status = c + d
        row.statusClass = b
        row.decided = a
        row.published = d
        row.overdue = overdue
        row.delegated = delegated
        return row
    }

    static let publicRow = zip(text, text, text, text, text, maybe).map { a, b, c, d, e, delegated in
        PublicRegisterPage.Row(
            number: a, title: b, href: "/register/\(c)", office: c, officeHref: "/offices/\(d)/register", decided: d,
            amount: e, outcome: a.unicodeScalars.count % 2 == 0 ? "" : a, outcomeClass: b, published: e,
            delegated: delegated)
    }

    static let returnRow = zip(text, text, text, text, zip(text, text), zip(Gen.bool, Gen.bool)).map {
        a, b, c, d, states, flags in
        ReturnListItem(
            id: a, href: "/returns/\(a)", quarter: b, recipient: c, agreement: d, due: states.0, state: states.1,
            stateClass: b, overdue: flags.0, escalated: flags.1, awaitingReview: false)
    }

    @Test func aReturnsListRowIsItsTemplatesRow() async throws {
        await propertyCheck(count: 400, input: Self.returnRow.array(of: 0...4)) { rows in
            let model = try! TemplateValue(encoding: ["rows": rows])
            let mustache = Self.library.render(model, withTemplate: "returns") ?? ""
            #expect(Self.squeezed(RowHTML.returns(rows)) == Self.squeezed(mustache))
        }
    }

    @Test func aStaffRegisterRowIsItsTemplatesRow() async throws {
        await propertyCheck(count: 400, input: Self.staffRow.array(of: 0...4)) { rows in
            let model = try! TemplateValue(encoding: ["rows": rows])
            let mustache = Self.library.render(model, withTemplate: "staff") ?? ""
            #expect(Self.squeezed(RowHTML.staffRegister(rows)) == Self.squeezed(mustache))
        }
    }

    @Test(arguments: [true, false]) func aPublicRegisterRowIsItsTemplatesRow(national: Bool) async throws {
        struct Model: Encodable {
            var rows: [PublicRegisterPage.Row]
            var national: Bool
        }
        await propertyCheck(count: 400, input: Self.publicRow.array(of: 0...4)) { rows in
            let model = try! TemplateValue(encoding: Model(rows: rows, national: national))
            let mustache = Self.library.render(model, withTemplate: "public") ?? ""
            #expect(Self.squeezed(RowHTML.publicRegister(rows, national: national)) == Self.squeezed(mustache))
        }
    }

    static let choice = zip(text, text, Gen.bool).map { Choice(value: $0, label: $1, selected: $2) }
    static let officeLink = zip(text, text).map { PublicRegisterPage.OfficeLink(name: $0, href: "/offices/\($1)") }

    @Test func aSelectsOptionsAreTheirTemplatesOptions() async throws {
        await propertyCheck(count: 400, input: Self.choice.array(of: 0...5)) { choices in
            let model = try! TemplateValue(encoding: ["rows": choices])
            let mustache = Self.library.render(model, withTemplate: "options") ?? ""
            #expect(RowHTML.options(choices) == mustache)
        }
    }

    @Test func theOtherRegistersLinksAreTheirTemplatesLinks() async throws {
        await propertyCheck(count: 400, input: Self.officeLink.array(of: 0...5)) { links in
            let model = try! TemplateValue(encoding: ["rows": links])
            let mustache = Self.library.render(model, withTemplate: "offices") ?? ""
            #expect(RowHTML.officeLinks(links) == mustache)
        }
    }
}
