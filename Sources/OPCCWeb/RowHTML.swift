import OPCCCore

/// The rows of the long lists, the staff register, the public registers and the returns list, written in Swift: the
/// same markup as their Mustache (`Templates.registerRow`, `Templates.publicRegisterRow`, `Templates.returnRow`, held
/// together by `RowHTMLTests`), each
/// value escaped by `HTMLText.escape`. Mustache looked every value of every row up through its context stack with
/// dynamic casts: 28% of the public register's time at national scale, for 50 rows.
enum RowHTML {
    static func staffRegister(_ rows: [RegisterRow]) -> String {
        let e = HTMLText.escape
        var out = ""
        out.reserveCapacity(rows.count * 400)
        for r in rows {
            out +=
                "<tr><td>\(e(r.number))</td><td><a href=\"\(e(r.href))\">\(e(r.title))</a></td><td>\(e(r.office))</td>\n"
            out += "  <td><strong class=\"tag tag-\(e(r.statusClass))\">\(e(r.status))</strong>"
            if r.overdue { out += " <strong class=\"tag tag-overdue\">Overdue</strong>" }
            out += "\n    "
            if let delegated = r.delegated, !delegated.isEmpty {
                out += "<br><span class=\"tag tag-delegated\">\(e(delegated))</span>"
            }
            out += "</td>\n  <td>\(e(r.decided))</td><td>\(e(r.published))</td></tr>\n"
        }
        return out
    }

    static func returns(_ rows: [ReturnListItem]) -> String {
        let e = HTMLText.escape
        var out = ""
        out.reserveCapacity(rows.count * 300)
        for r in rows {
            out += "<tr><td><a href=\"\(e(r.href))\">\(e(r.id))</a></td><td>\(e(r.quarter))</td>"
            out += "<td>\(e(r.recipient))</td><td>\(e(r.due))</td>\n"
            out += "  <td><strong class=\"tag tag-\(e(r.stateClass))\">\(e(r.state))</strong>"
            if r.overdue { out += " <strong class=\"tag tag-overdue\">Overdue</strong>" }
            if r.escalated { out += " <strong class=\"tag tag-overdue\">Escalated</strong>" }
            out += "</td></tr>\n"
        }
        return out
    }

    static func publicRegister(_ rows: [PublicRegisterPage.Row], national: Bool) -> String {
        let e = HTMLText.escape
        var out = ""
        out.reserveCapacity(rows.count * 700)
        for r in rows {
            out += "<tr><td data-label=\"Number\" class=\"nowrap\">\(e(r.number))</td>"
            out += "<td data-label=\"Title\"><a href=\"\(e(r.href))\">\(e(r.title))</a>"
            if let delegated = r.delegated, !delegated.isEmpty {
                out += "<br><span class=\"tag tag-delegated\">\(e(delegated))</span>"
            }
            out += "</td>\n  "
            if national { out += "<td data-label=\"Office\"><a href=\"\(e(r.officeHref))\">\(e(r.office))</a></td>" }
            out += "\n  <td data-label=\"Decided\" class=\"nowrap\">\(e(r.decided))</td>"
            out += "<td data-label=\"Amount\" class=\"num\">\(e(r.amount))</td>\n  <td data-label=\"Outcome\">"
            if !r.outcome.isEmpty {
                out += "<strong class=\"tag tag-\(e(r.outcomeClass))\">\(e(r.outcome))</strong>"
            }
            out += "</td>\n  <td data-label=\"Published\" class=\"nowrap\">\(e(r.published))</td></tr>\n"
        }
        return out
    }

    /// A select's options (`Templates.optionRow` each, one after the other).
    static func options(_ choices: [Choice]) -> String {
        let e = HTMLText.escape
        var out = ""
        for c in choices {
            out += "<option value=\"\(e(c.value))\"\(c.selected ? " selected" : "")>\(e(c.label))</option>"
        }
        return out
    }

    /// The list of the other registers (`Templates.officeLinkRow` each).
    static func officeLinks(_ links: [PublicRegisterPage.OfficeLink]) -> String {
        let e = HTMLText.escape
        var out = ""
        out.reserveCapacity(links.count * 80)
        for link in links { out += "<li><a href=\"\(e(link.href))\">\(e(link.name))</a></li>" }
        return out
    }
}
