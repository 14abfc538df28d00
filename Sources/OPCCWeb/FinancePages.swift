import Foundation
import OPCCCore

// The finance pages' models: budgets and reconciliation, allocations and the formula split, grant agreements,
// carry-forwards. A form's part is nil when the reader's role does not use it, so the template leaves it out.

/// `/finance`: the strands' budgets, the reconciliation, and (for finance) the budget and virement forms.
struct FinancePage: Encodable, Sendable {
    var nav: [NavLink]
    var office: String
    var year: String
    var years: [NavLink]
    var strands: [Strand]
    /// The page's lines of the reconciliation, written by `rowsHTML` (Mustache looked each of a line's twelve
    /// values up through its context stack: the most of the page's rendering).
    var rowsHTML: String
    var svg: String
    var hasMoney: Bool
    var csv: String
    var errors: [FieldError]
    /// The reconciliation's pages, when the year has more lines than one page holds.
    var paging: RegisterPaging?
    var fe: [String: String]?
    var budgetForm: BudgetForm?
    var vireForm: VireForm?

    struct Strand: Encodable, Sendable {
        var strand: String
        var name: String
        var budget: String
        var allocated: String
        var paid: String
        var unallocated: String
        var used: String
    }

    /// The lines as `Templates.financeRow` renders each, every value escaped by `HTMLText.escape`.
    static func rowsHTML(_ lines: [Line]) -> String {
        let e = HTMLText.escape
        var out = ""
        out.reserveCapacity(lines.count * 420)
        for l in lines {
            out += l.strandLine ? "<tr class=\"strand-line\">" : "<tr>"
            out += "<th scope=\"row\">\(e(l.line))</th><td class=\"num\">\(e(l.budget))</td>"
            out += "<td class=\"num\">\(e(l.allocated))</td>\n  <td class=\"num\">\(e(l.committed))</td>"
            out += "<td class=\"num\">\(e(l.paid))</td><td class=\"num\">\(e(l.returned))</td>"
            out += "<td class=\"num\">\(e(l.carriedIn))</td>\n  <td class=\"num\">\(e(l.carriedOut))</td>"
            out += "<td class=\"num\">\(e(l.available))</td><td class=\"num\">\(e(l.unallocated))</td>"
            out += "<td class=\"num\">\(e(l.clawback))</td></tr>\n"
        }
        return out
    }

    /// A line of the reconciliation: a strand's, or a recipient's within it.
    struct Line: Encodable, Sendable {
        var line: String
        var strandLine: Bool
        var budget: String
        var allocated: String
        var committed: String
        var paid: String
        var returned: String
        var carriedIn: String
        var carriedOut: String
        var available: String
        var unallocated: String
        var clawback: String
    }

    struct BudgetForm: Encodable, Sendable {
        var year: String
        var strand: String
        var name: String
        var amount: String
    }

    struct VireForm: Encodable, Sendable {
        var year: String
        var from: String
        var to: String
        var amount: String
        var reason: String
        var decision: String
    }
}

/// `/finance/allocations`: the year's allocations, and (for finance) the formula split and single allocation forms.
struct AllocationsPage: Encodable, Sendable {
    var nav: [NavLink]
    var year: String
    var years: [NavLink]
    var rows: [Row]
    var total: String
    var errors: [FieldError]
    var split: SplitForm?
    var single: SingleForm?
    var fe: [String: String]?

    struct Row: Encodable, Sendable {
        var id: String
        var recipient: String
        var orgID: String
        var strand: String
        var area: String
        var amount: String
        var method: String
        var decision: String
        var day: String
        var rcco: Bool
        var band: String
    }

    struct SplitForm: Encodable, Sendable {
        var year: String
        var strand: String
        var decision: String
        var purpose: String
        var total: String
        var factors: [Factor]
        var recipients: [Recipient]

        struct Factor: Encodable, Sendable {
            var index: Int
            var number: Int
            var name: String
            var weight: String
        }

        struct Recipient: Encodable, Sendable {
            var index: Int
            var number: Int
            var orgId: String
            var name: String
            var area: String
            var factors: [Value]
        }

        /// A recipient's value of one factor.
        struct Value: Encodable, Sendable {
            var index: Int
            var number: Int
            var row: Int
            var value: String
        }
    }

    struct SingleForm: Encodable, Sendable {
        var year: String
        var strand: String
        var decision: String
        var recipient: String
        var recipientName: String
        var purpose: String
        var area: String
        var amount: String
        var capital: Bool
        var rcco: Bool
    }
}

/// The formula split's shares, to check before it is confirmed; the form's entries go with it, hidden.
struct SplitPreviewPage: Encodable, Sendable {
    var rows: [Row]
    var factorNames: [Factor]
    var total: String
    var year: String
    var strand: String
    var decision: String
    var purpose: String
    var hidden: [Hidden]
    var svg: String

    struct Row: Encodable, Sendable {
        var recipient: String
        var orgID: String
        var area: String
        var factors: [Value]
        var amount: String
    }

    struct Value: Encodable, Sendable {
        var value: String
    }

    struct Factor: Encodable, Sendable {
        var name: String
        var weight: String
    }

    struct Hidden: Encodable, Sendable {
        var name: String
        var value: String
    }
}

/// `/grants`: the office's grant agreements.
struct GrantsPage: Encodable, Sendable {
    var nav: [NavLink]
    var rows: [Row]

    struct Row: Encodable, Sendable {
        var id: String
        var href: String
        var recipient: String
        var purpose: String
        var amount: String
        var paid: String
        var period: String
        var decision: String
        var state: String
        var stateClass: String
    }
}

/// A grant agreement's page: its terms, spend against profile, allocations, instalments, variations, and the acts
/// the reader may take now (`acts`, nil when there are none).
struct GrantPage: Encodable, Sendable {
    var id: String
    var purpose: String
    var recipient: String
    var state: String
    var stateClass: String
    var facts: [Fact]
    var quarters: [Quarter]
    var svg: String
    var allocations: [Allocation]
    var instalments: [Instalment]
    var variations: [Variation]
    var errors: [FieldError]
    var conditions: [Condition]
    var fe: [String: String]?
    var acts: Acts?
    /// The agreement's version when the page was read: every form carries it.
    var version: String
    /// Its documents, for the office's staff (an agreement's are staff-only).
    var documents: [DocumentLink] = []
    /// The forms to attach and withdraw them, for their attachers.
    var documentForms: DocumentsSection?

    struct Quarter: Encodable, Sendable {
        var quarter: String
        var profiled: String
        var reported: String
        var returnID: String
        var returnState: String
        var returnStateClass: String
    }

    struct Allocation: Encodable, Sendable {
        var id: String
        var strand: String
        var year: String
        var area: String
        var amount: String
        var method: String
        var rcco: Bool
    }

    struct Instalment: Encodable, Sendable {
        var id: String
        var grant: String
        var amount: String
        var condition: String
        var paid: String
        var release: Bool
    }

    struct Variation: Encodable, Sendable {
        var day: String
        var kind: String
        var description: String
        var change: String
        var by: String
        var decision: String
    }

    struct Condition: Encodable, Sendable {
        var text: String
    }

    /// The acts' forms; each is nil unless the agreement's state and the reader's roles allow it.
    struct Acts: Encodable, Sendable {
        var assessment: Assessment?
        var confirmConditions: Bool?
        var signature: Signature?
        var sign: Bool?
        var activate: Bool?
        var vary: Vary?
        var close: Bool?
        var terminate: Terminate?

        var isEmpty: Bool {
            assessment == nil && confirmConditions == nil && signature == nil && sign == nil && activate == nil
                && vary == nil && close == nil && terminate == nil
        }
    }

    struct Assessment: Encodable, Sendable {
        var reference: String
    }

    struct Signature: Encodable, Sendable {
        var name: String
        var parties: [Choice]
    }

    struct Vary: Encodable, Sendable {
        var reason: String
        var change: String
        var newDecision: String
        var end: String
        var kinds: [Kind]

        struct Kind: Encodable, Sendable {
            var value: String
            var label: String
            var checked: Bool
        }
    }

    /// The reason entered, named as its field is (`terminateReason`), so a refused form shows it again.
    struct Terminate: Encodable, Sendable {
        var terminateReason: String
    }
}

/// `/finance/carry-forwards`: the requests and their decisions, with each row's forms and (for finance) the request
/// form.
struct CarryForwardsPage: Encodable, Sendable {
    var nav: [NavLink]
    var rows: [Row]
    var errors: [FieldError]
    var fe: [String: String]
    var request: Request?

    struct Row: Encodable, Sendable {
        var confirm: Bool
        var settle: Bool
        var actualEntered: String
        var decideReason: String
        var decideDecision: String
        var refuseChosen: Bool
        var reasonError: String
        var decisionError: String
        var confirmError: String
        var id: String
        var recipient: String
        var strand: String
        var from: String
        var to: String
        var forecast: String
        var reason: String
        var actual: String
        var decision: String
        var state: String
        var stateClass: String
        var decide: Bool
        /// The carry-forward's version when the page was read: its forms carry it.
        var version: String
        /// Its supporting papers, for the office's staff.
        var documents: [DocumentLink] = []
        /// Its documents' own page, with the forms, for their attachers.
        var documentsPage: String?
    }

    struct Request: Encodable, Sendable {
        var year: String
        var strand: String
        var recipient: String
        var forecast: String
        var reason: String
    }
}

/// A carry-forward request's documents, and the forms for its attachers.
struct CarryForwardDocumentsPage: Encodable, Sendable {
    var id: String
    var errors: [FieldError]
    var documents: [DocumentLink]
    var documentForms: DocumentsSection?
}

/// Where a page of the finance page's reconciliation starts: after the line of this strand and recipient (the empty
/// text for a strand's own line), in the reconciliation's order (strand, then recipient).
struct ReconciliationCursor: Hashable, Sendable {
    var strand: String
    var recipient: String

    /// Base 64 (URL-safe, unpadded) of the strand and the recipient separated by U+001F, which neither may hold.
    var text: String {
        Data("\(strand)\u{1F}\(recipient)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(strand: String, recipient: String) {
        self.strand = strand
        self.recipient = recipient
    }

    /// The cursor `text` spells, or nil for anything else (any text may arrive here).
    init?(text: String) {
        guard text.utf8.count <= 1_024,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0))
            })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let joined = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        self.init(strand: String(parts[0]), recipient: String(parts[1]))
    }
}
