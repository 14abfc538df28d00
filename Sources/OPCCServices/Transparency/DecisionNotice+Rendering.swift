import OPCCCore

// MARK: - Markdown

extension DecisionNotice {
    static func renderMarkdown(_ notice: Notice) -> String {
        var parts = [
            oneLine(notice.office),
            "**\(notice.formName) \(oneLine(notice.number))**",
            "# \(oneLine(notice.title))",
            markdownBlock(.facts(notice.keyFacts)),
        ]
        for section in notice.sections {
            parts.append("## \(section.heading)")
            parts += section.blocks.map(markdownBlock)
        }
        parts += ["---", notice.footer]
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func markdownBlock(_ block: Block) -> String {
        switch block {
        case .text(let text):
            return paragraphs(text).map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
        case .facts(let facts):
            return facts.map { "- **\($0.label):** \(oneLine($0.value))" }.joined(separator: "\n")
        case .list(let items):
            return items.map { "- \(oneLine($0))" }.joined(separator: "\n")
        case .signOffs(let caption, let rows):
            let header = ["| Position | Name | Initials | Date |", "| --- | --- | --- | --- |"]
            let body = rows.map { row in
                "| " + [row.position, row.name, row.initials, row.day].map(markdownCell).joined(separator: " | ") + " |"
            }
            return "\(caption):\n\n" + (header + body).joined(separator: "\n")
        }
    }

    /// A table cell on one line with `\` and `|` escaped, so a name can never split or end the table.
    static func markdownCell(_ text: String) -> String {
        var out = ""
        for character in oneLine(text) {
            if character == "\\" || character == "|" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

// MARK: - HTML

extension DecisionNotice {
    static func renderHTML(_ notice: Notice, stylesheet: Stylesheet = .inline) -> String {
        let style =
            switch stylesheet {
            case .inline: "<style>\n\(style)</style>"
            case .linked(let href): "<link rel=\"stylesheet\" href=\"\(escape(href))\">"
            }
        var lines: [String] = [
            "<!DOCTYPE html>",
            "<html lang=\"en-GB\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(escape("Decision \(oneLine(notice.number)): \(oneLine(notice.title))"))</title>",
            style,
            "</head>",
            "<body>",
        ]
        if case .linked = stylesheet {
            // Served by the site: its header, like every page of it, with the way back to the registers.
            lines += [
                "<header class=\"site\">",
                "<a href=\"/register\" class=\"service-name\">OPCC decisions</a>",
                "<nav aria-label=\"Menu\"><a href=\"/offices/\(escape(notice.officeID))/register\">"
                    + "\(escape(oneLine(notice.office))): all decisions</a> <a href=\"/register\">Every office</a></nav>",
                "</header>",
            ]
        }
        lines += [
            "<main>",
            "<p class=\"office\">\(escape(oneLine(notice.office)))</p>",
            "<p class=\"form\">\(escape("\(notice.formName) \(oneLine(notice.number))"))</p>",
            "<h1>\(escape(oneLine(notice.title)))</h1>",
        ]
        if notice.significantPublicInterest {
            lines.append("<p class=\"flag\"><strong>Significant public interest</strong></p>")
        }
        lines += [
            htmlBlock(.facts(notice.keyFacts)),
            "<p class=\"print-hint\">To keep a copy, print this page or save it as a PDF from the browser's print "
                + "menu.</p>",
        ]
        for section in notice.sections {
            lines.append("<section>")
            lines.append("<h2>\(escape(section.heading))</h2>")
            lines += section.blocks.map(htmlBlock)
            lines.append("</section>")
        }
        lines += ["</main>", "<footer>", "<p>\(escape(notice.footer))</p>", "</footer>", "</body>", "</html>"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func htmlBlock(_ block: Block) -> String {
        switch block {
        case .text(let text):
            return paragraphs(text).map { "<p>\(htmlLines($0))</p>" }.joined(separator: "\n")
        case .facts(let facts):
            let items = facts.map { fact in
                "<dt>\(escape(fact.label))</dt><dd>\(htmlLines(paragraphs(fact.value).flatMap { $0 }))</dd>"
            }
            return (["<dl>"] + items + ["</dl>"]).joined(separator: "\n")
        case .list(let items):
            return (["<ul>"] + items.map { "<li>\(escape(oneLine($0)))</li>" } + ["</ul>"]).joined(separator: "\n")
        case .signOffs(let caption, let rows):
            let head = ["Position", "Name", "Initials", "Date"].map { "<th scope=\"col\">\($0)</th>" }.joined()
            let body = rows.map { row in
                "<tr><th scope=\"row\">\(escape(oneLine(row.position)))</th>"
                    + [row.name, row.initials, row.day].map { "<td>\(escape(oneLine($0)))</td>" }.joined() + "</tr>"
            }
            return
                (["<table>", "<caption>\(escape(caption))</caption>", "<thead><tr>\(head)</tr></thead>", "<tbody>"]
                + body + ["</tbody>", "</table>"]).joined(separator: "\n")
        }
    }

    /// Escaped lines joined with line breaks, so the author's line structure survives within a paragraph.
    static func htmlLines(_ lines: [String]) -> String {
        lines.map(escape).joined(separator: "<br>\n")
    }

    /// Escapes text for HTML element content and attribute values: `&`, `<`, `>`, `"` and `'`, as every page does
    /// (`HTMLText.escape`: byte by byte, so a quote followed by a combining mark is escaped too, which the
    /// `Character` loop this replaced left bare).
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// GOV.UK-like typography: system fonts, a readable measure, high contrast and a visible focus indicator; and
    /// for print (an office files or posts the notice as a PDF): black on white, no focus styles or hints, links
    /// followed by their address, sections kept whole where they fit, A4 margins.
    public static let style = """
        body { margin: 0; background: #fff; color: #0b0c0c; font-family: system-ui, -apple-system, "Segoe UI", \
        Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 1.1875rem; line-height: 1.5; }
        main, footer { max-width: 40em; margin: 0 auto; padding: 0 1em; }
        main { padding-top: 1.5em; padding-bottom: 2em; }
        h1 { font-size: 2.25rem; line-height: 1.15; margin: 0.25em 0 0.75em; }
        h2 { font-size: 1.5rem; line-height: 1.25; margin: 1.75em 0 0.5em; }
        .office, .form { margin: 0; color: #505a5f; }
        .form { font-weight: 700; }
        dl { display: grid; grid-template-columns: minmax(8em, max-content) 1fr; gap: 0.25em 1em; margin: 0 0 1em; }
        dt { font-weight: 700; }
        dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; margin: 0 0 1em; }
        caption { text-align: left; font-weight: 700; padding-bottom: 0.5em; }
        th, td { text-align: left; vertical-align: top; padding: 0.5em 1em 0.5em 0; border-bottom: 1px solid #b1b4b6; }
        footer { border-top: 2px solid #1d70b8; padding-top: 1em; padding-bottom: 2em; color: #0b0c0c; }
        :focus, :focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
        .flag { display: inline-block; margin: 0 0 1em; padding: 0.25em 0.75em; background: #fff7bf; color: #594d00; \
        border-left: 5px solid #594d00; }
        .print-hint { color: #505a5f; font-size: 1rem; }
        .site { background: #0b0c0c; color: #fff; border-bottom: 10px solid #1d70b8; padding: 0.5em 1em; }
        .site a { color: #fff; margin-right: 1em; }
        .site .service-name { font-weight: 700; font-size: 1.5rem; text-decoration: none; display: block; }
        .site nav { margin-top: 0.25em; display: flex; flex-wrap: wrap; gap: 0.25em 1em; }
        tbody td:last-child { white-space: nowrap; }
        a { color: #1d70b8; }
        @media (max-width: 40em) {
          body { font-size: 1rem; }
          h1 { font-size: 1.75rem; }
          dl { grid-template-columns: 1fr; }
          dd { margin-bottom: 0.5em; }
          table { display: block; overflow-x: auto; }
        }
        @media print {
          @page { size: A4; margin: 18mm 16mm; }
          body { font-size: 11pt; color: #000; background: #fff; }
          main, footer { max-width: none; padding: 0; }
          h1 { font-size: 20pt; }
          h2 { font-size: 14pt; break-after: avoid; page-break-after: avoid; }
          section, table, dl, tr { break-inside: avoid; page-break-inside: avoid; }
          a { color: #000; text-decoration: none; }
          a[href]::after { content: " (" attr(href) ")"; font-size: 9pt; }
          .print-hint, .site { display: none; }
          .flag { border: 1pt solid #000; background: none; color: #000; }
          footer { border-top: 1pt solid #000; }
        }

        """
}

extension DecisionNotice {
    /// The notice page with a "Documents" section listing `documents` (a published record's current Part 1 ones):
    /// each a download link with its type and size. A page without documents is returned as it was.
    static func withDocuments(_ page: String, _ documents: [StoredDocument]) -> String {
        guard !documents.isEmpty, let end = page.range(of: "</main>", options: .backwards) else { return page }
        var lines = ["<section id=\"documents\">", "<h2>Documents</h2>", "<ul>"]
        for document in documents {
            lines.append(
                "<li><a href=\"/documents/\(escape(document.id))\" download>\(escape(document.name))</a> ("
                    + "\(escape(document.type.label)), \(sizeText(document.sizeBytes)))</li>")
        }
        lines += ["</ul>", "</section>", ""]
        return page.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: lines.joined(separator: "\n"))
    }

    /// A size as people read it: bytes, KB or MB (1 KB = 1,024 bytes).
    static func sizeText(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
