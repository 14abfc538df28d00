/// The risk chart as SVG text, with no dependencies: harm across, probability up, each cell of the grid shaded by
/// the band its risk falls in, each threat a numbered marker in its cell (filled when a selected priority covers
/// it), a key naming the threats, and the text alternative in the SVG's `<title>` and `<desc>` so that a screen
/// reader gives the same content.
public enum RiskChart {
    static let cell = 48
    static let left = 64
    static let top = 56
    static let keyWidth = 330

    static func fill(_ band: RiskBand) -> String {
        switch band {
        case .high: return "#f4a582"
        case .medium: return "#fee08b"
        case .low: return "#d9ef8b"
        }
    }

    public static func svg(_ matrix: RiskMatrix) -> String {
        let columns = matrix.harms.count
        let rows = matrix.probabilities.count
        let plotWidth = columns * cell
        let plotHeight = rows * cell
        let keyLines = matrix.threats.count + 6
        let width = left + plotWidth + 24 + keyWidth
        let height = max(top + plotHeight + 64, top + keyLines * 18 + 16)
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" "
                + "font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<title id=\"chart-title\">\(escape(matrix.title))</title>")
        out.append("<desc id=\"chart-desc\">\(escape(matrix.textAlternative))</desc>")
        out.append("<text x=\"\(left)\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(matrix.title))</text>")
        out.append("<g id=\"bands\">")
        for (r, p) in matrix.probabilities.enumerated() {
            for (c, h) in matrix.harms.enumerated() {
                let band = matrix.band(probability: p, harm: h)
                out.append(
                    "<rect x=\"\(left + c * cell)\" y=\"\(top + r * cell)\" width=\"\(cell)\" height=\"\(cell)\" "
                        + "fill=\"\(fill(band))\" stroke=\"#ffffff\" data-band=\"\(band)\" data-risk=\"\(p * h)\"/>")
            }
        }
        out.append("</g>")
        out.append(contentsOf: axes(matrix, plotWidth: plotWidth, plotHeight: plotHeight))
        out.append("<g id=\"threats\">")
        for (r, p) in matrix.probabilities.enumerated() {
            for (c, h) in matrix.harms.enumerated() {
                let here = matrix.threats(probability: p, harm: h)
                for (i, threat) in here.enumerated() {
                    // Up to three markers a row within the cell, then the next row.
                    let x = left + c * cell + 10 + (i % 3) * 14
                    let y = top + r * cell + 12 + (i / 3) * 14
                    let chosen = matrix.selected.contains(threat.name)
                    out.append(
                        "<g><title>\(escape("\(threat.number) \(threat.name): \(threat.riskWorking)"))</title>"
                            + "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"7\" fill=\"\(chosen ? "#1a1a1a" : "#ffffff")\" "
                            + "stroke=\"#1a1a1a\"/><text x=\"\(x)\" y=\"\(y + 3)\" text-anchor=\"middle\" "
                            + "font-size=\"8\" fill=\"\(chosen ? "#ffffff" : "#1a1a1a")\">\(threat.number)</text></g>")
                }
            }
        }
        out.append("</g>")
        out.append(contentsOf: key(matrix, x: left + plotWidth + 24))
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func axes(_ matrix: RiskMatrix, plotWidth: Int, plotHeight: Int) -> [String] {
        var out = ["<g id=\"axes\">"]
        for (c, h) in matrix.harms.enumerated() {
            out.append(
                "<text x=\"\(left + c * cell + cell / 2)\" y=\"\(top + plotHeight + 16)\" "
                    + "text-anchor=\"middle\">\(h)</text>")
        }
        for (r, p) in matrix.probabilities.enumerated() {
            out.append(
                "<text x=\"\(left - 8)\" y=\"\(top + r * cell + cell / 2 + 4)\" text-anchor=\"end\">\(p)</text>")
        }
        out.append(
            "<text x=\"\(left + plotWidth / 2)\" y=\"\(top + plotHeight + 40)\" text-anchor=\"middle\">"
                + "Harm (combined agency score)</text>")
        let middle = top + plotHeight / 2
        out.append(
            "<text x=\"18\" y=\"\(middle)\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(middle))\">"
                + "Probability</text>")
        out.append("</g>")
        return out
    }

    static func key(_ matrix: RiskMatrix, x: Int) -> [String] {
        var out = ["<g id=\"key\">"]
        var y = top + 4
        for band in RiskBand.allCases {
            out.append(
                "<rect x=\"\(x)\" y=\"\(y - 10)\" width=\"12\" height=\"12\" fill=\"\(fill(band))\"/>"
                    + "<text x=\"\(x + 18)\" y=\"\(y)\">\(escape(matrix.bands.limits(of: band)))</text>")
            y += 18
        }
        out.append("<text x=\"\(x)\" y=\"\(y)\">● selected by a priority   ○ not selected</text>")
        y += 24
        for threat in matrix.threats {
            let line =
                "\(threat.number) \(threat.name): \(threat.risk!) \(threat.band!.title)"
                + (matrix.selected.contains(threat.name) ? " ●" : "")
            out.append("<text x=\"\(x)\" y=\"\(y)\">\(escape(line))</text>")
            y += 18
        }
        out.append("</g>")
        return out
    }

    /// Text made safe for SVG content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
