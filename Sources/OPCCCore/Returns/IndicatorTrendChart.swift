/// An outcome indicator's readings quarter by quarter against its baseline and target, as SVG text with no
/// dependencies. Readings, baselines and targets are text as offices write them ("101 this quarter", "ASSUMED: 10%
/// fewer"); the chart plots the first number in each and says in its text alternative which could not be plotted.
/// The caller shows the same figures as a table beside it.
public struct IndicatorTrendChart: Sendable {
    public struct Reading: Sendable, Hashable {
        public var label: String
        public var text: String
        public init(label: String, text: String) {
            self.label = label
            self.text = text
        }
    }

    public var indicator: GrantAgreement.OutcomeIndicator
    public var readings: [Reading]
    /// Distinguishes several charts on one page (the ids of `<title>` and `<desc>`).
    public var id: String

    public init(indicator: GrantAgreement.OutcomeIndicator, readings: [Reading], id: String) {
        self.indicator = indicator
        self.readings = readings
        self.id = id
    }

    /// The first number written in `text` ("101 this quarter" → 101, "26.4" → 26.4); nil when there is none.
    public static func firstNumber(in text: String) -> Double? {
        var digits = ""
        var seenDigit = false
        for ch in text {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
                seenDigit = true
            } else if ch == ".", seenDigit, !digits.contains(".") {
                digits.append(ch)
            } else if ch == ",", seenDigit {
                continue
            } else if seenDigit {
                break
            }
        }
        if digits.hasSuffix(".") { digits.removeLast() }
        return seenDigit ? Double(digits) : nil
    }

    /// What the chart shows, in words: the same content for a screen reader.
    public var textAlternative: String {
        var parts = readings.map { "\($0.label): \($0.text)" }
        if parts.isEmpty { parts = ["no readings yet"] }
        return "\(indicator.name) (\(indicator.unit)) by quarter: " + parts.joined(separator: "; ")
            + ". Baseline \(indicator.baseline); target \(indicator.target)."
    }

    public var svg: String {
        let width = 560
        let height = 260
        let left = 56
        let right = 150
        let top = 36
        let bottom = 44
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let points = readings.map { (label: $0.label, value: Self.firstNumber(in: $0.text)) }
        let baseline = Self.firstNumber(in: indicator.baseline)
        let target = Self.firstNumber(in: indicator.target)
        let values = points.compactMap(\.value) + [baseline, target].compactMap { $0 }
        let maximum = max(values.max() ?? 1, 1) * 1.1
        func y(_ v: Double) -> Int { top + plotHeight - Int((v / maximum * Double(plotHeight)).rounded()) }
        func x(_ i: Int) -> Int {
            points.count <= 1 ? left + plotWidth / 2 : left + i * plotWidth / (points.count - 1)
        }
        let titleID = "trend-title-\(id)"
        let descID = "trend-desc-\(id)"
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" "
                + "font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<title id=\"\(titleID)\">\(escape(indicator.name)): readings against baseline and target</title>")
        out.append("<desc id=\"\(descID)\">\(escape(textAlternative))</desc>")
        out.append(
            "<text x=\"\(left)\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(escape(indicator.name))</text>")
        out.append(
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" "
                + "stroke=\"#0b0c0c\"/>")
        out.append(
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#0b0c0c\"/>")
        out.append("<text x=\"\(left - 6)\" y=\"\(top + plotHeight + 4)\" text-anchor=\"end\">0</text>")
        out.append("<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\">\(format(maximum))</text>")
        // Reference lines: dashed for the baseline, dotted for the target, each labelled in words at the right.
        for (name, value, text, dash) in [
            ("Baseline", baseline, indicator.baseline, "6 4"), ("Target", target, indicator.target, "2 3"),
        ] {
            guard let value else { continue }
            out.append(
                "<line x1=\"\(left)\" y1=\"\(y(value))\" x2=\"\(left + plotWidth)\" y2=\"\(y(value))\" "
                    + "stroke=\"#505a5f\" stroke-dasharray=\"\(dash)\"/>")
            out.append(
                "<text x=\"\(left + plotWidth + 6)\" y=\"\(y(value) + 4)\">\(name) \(escape(short(text)))</text>")
        }
        let path = points.enumerated().compactMap { i, point in point.value.map { "\(x(i)) \(y($0))" } }
        if path.count > 1 {
            out.append(
                "<path d=\"M\(path.joined(separator: " L"))\" fill=\"none\" stroke=\"#1d70b8\" stroke-width=\"2\"/>")
        }
        for (i, point) in points.enumerated() {
            out.append(
                "<text x=\"\(x(i))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">"
                    + "\(escape(point.label))</text>")
            guard let value = point.value else { continue }
            out.append(
                "<g><title>\(escape("\(point.label): \(readings[i].text)"))</title>"
                    + "<rect x=\"\(x(i) - 5)\" y=\"\(y(value) - 5)\" width=\"10\" height=\"10\" fill=\"#1d70b8\"/>"
                    + "<text x=\"\(x(i))\" y=\"\(y(value) - 10)\" text-anchor=\"middle\">\(format(value))</text></g>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String((v * 10).rounded() / 10)
    }

    private func short(_ text: String) -> String {
        text.count > 18 ? String(text.prefix(17)) + "…" : text
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
