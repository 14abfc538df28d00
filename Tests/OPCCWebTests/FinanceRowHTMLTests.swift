import Foundation
import Mustache
import OPCCCore
import PropertyBased
import Testing

@testable import OPCCWeb

/// The finance page's reconciliation lines are written by `FinancePage.rowsHTML` in Swift; their Mustache
/// (`Templates.financeRow`) says what they are. Any line, with any text in every cell, comes out the same both ways,
/// but for the spaces between tags.
@Suite("Web: the finance page's lines written in Swift are their template's rows")
struct FinanceRowHTMLTests {
    static let library: MustacheLibrary = {
        _ = try? Pages()  // registers the escaping content type
        return MustacheLibrary(templates: [
            "lines": try! MustacheTemplate(
                string: Pages.escapedAsHTML + "{{#rows}}" + Templates.financeRow + "{{/rows}}")
        ])
    }()

    static let text = HostileText.text

    static let line = zip(
        zip(text, Gen.bool, text, text, text, text), zip(text, text, text, text, text, text)
    ).map { first, second in
        let (line, strandLine, budget, allocated, committed, paid) = first
        let (returned, carriedIn, carriedOut, available, unallocated, clawback) = second
        return FinancePage.Line(
            line: line, strandLine: strandLine, budget: budget, allocated: allocated, committed: committed,
            paid: paid, returned: returned, carriedIn: carriedIn, carriedOut: carriedOut, available: available,
            unallocated: unallocated, clawback: clawback)
    }

    @Test func aReconciliationLineIsItsTemplatesRow() async throws {
        await propertyCheck(count: 300, input: Self.line.array(of: 0...4)) { rows in
            let model = try! TemplateValue(encoding: ["rows": rows])
            let mustache = Self.library.render(model, withTemplate: "lines") ?? ""
            #expect(RowHTMLTests.squeezed(FinancePage.rowsHTML(rows)) == RowHTMLTests.squeezed(mustache))
        }
    }
}
