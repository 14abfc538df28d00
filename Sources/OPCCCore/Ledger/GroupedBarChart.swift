/// A horizontal grouped bar chart as SVG text with no dependencies: one group of bars per row (a grant's quarter, a
/// strand of a year), one bar per series (profiled and reported spend; budget, allocated and paid), each bar's length
/// proportional to its value against the largest value shown, each bar labelled with its value in words, and a key.
/// The text alternative is in the SVG's `<title>` and `<desc>`; the caller shows the same figures as a table beside
/// it.
public struct GroupedBarChart: Sendable {
    /// How the values read: money in pence, or plain counts.
    public enum Unit: Sendable, Hashable {
        case pence, count
    }

    public struct Group: Sendable, Hashable {
        public var label: String
        /// One value per series; nil when there is none yet (drawn as no bar, said as "none" in the text).
        public var values: [Int64?]

        public init(label: String, values: [Int64?]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var series: [String]
    public var groups: [Group]
    public var unit: Unit
    /// Distinguishes several charts on one page (the ids of `<title>` and `<desc>`).
    public var id: String

    public init(title: String, series: [String], groups: [Group], unit: Unit = .pence, id: String) {
        self.title = title
        self.series = series
        self.groups = groups
        self.unit = unit
        self.id = id
    }

    /// The fills of the series, in order: blue, green, dark grey, orange (each bar also carries its value as text).
    public static let fills = ["#1d70b8", "#00703c", "#505a5f", "#f47738"]

    static let labelWidth = 190
    static let plotWidth = 300
    static let barHeight = 14
    static let gap = 4

    /// The largest value shown (at least 1, so that an empty chart still has a scale).
    public var maximum: Int64 {
        max(1, groups.flatMap { $0.values.compactMap { $0 } }.map { Swift.max($0, 0) }.max() ?? 1)
    }

    /// A bar's length in pixels: proportional to its value, the largest value filling the plot; negative is 0.
    public func barLength(_ value: Int64) -> Int {
        guard value > 0 else { return 0 }
        return Int((Double(value) / Double(maximum) * Double(Self.plotWidth)).rounded())
    }

    /// The total of one series over every group.
    public func total(ofSeries index: Int) -> Int64 {
        groups.compactMap { index < $0.values.count ? $0.values[index] : nil }.reduce(0, +)
    }

    public func format(_ value: Int64?) -> String {
        guard let value else { return "none" }
        switch unit {
        case .pence: return SignedMoney(pence: value).formatted
        case .count: return String(value)
        }
    }

    /// What the chart shows, in words: the same content for a screen reader.
    public var textAlternative: String {
        guard !groups.isEmpty else { return "\(title): nothing to show yet." }
        let rows = groups.map { group in
            "\(group.label): "
                + series.enumerated().map { i, name in
                    "\(name) \(format(i < group.values.count ? group.values[i] : nil))"
                }.joined(separator: ", ")
        }
        return "\(title). " + rows.joined(separator: "; ") + "."
    }

    public var svg: String {
        let groupHeight = series.count * (Self.barHeight + Self.gap) + 12
        let top = 56
        let width = Self.labelWidth + Self.plotWidth + 130
        let height = top + max(groups.count, 1) * groupHeight + 10
        let titleID = "bars-title-\(id)"
        let descID = "bars-desc-\(id)"
        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" "
                + "font-family=\"sans-serif\" font-size=\"12\">")
        out.append("<title id=\"\(titleID)\">\(Self.escape(title))</title>")
        out.append("<desc id=\"\(descID)\">\(Self.escape(textAlternative))</desc>")
        out.append("<text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(title))</text>")
        // The key: a swatch and the series' name.
        var keyX = 0
        for (i, name) in series.enumerated() {
            out.append(
                "<rect x=\"\(keyX)\" y=\"30\" width=\"12\" height=\"12\" fill=\"\(Self.fills[i % Self.fills.count])\"/>"
                    + "<text x=\"\(keyX + 16)\" y=\"40\">\(Self.escape(name))</text>")
            keyX += 28 + name.count * 7
        }
        out.append(
            "<line x1=\"\(Self.labelWidth)\" y1=\"\(top - 4)\" x2=\"\(Self.labelWidth)\" "
                + "y2=\"\(height - 6)\" stroke=\"#0b0c0c\"/>")
        for (g, group) in groups.enumerated() {
            let y0 = top + g * groupHeight
            out.append(
                "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y0 + Self.barHeight)\" text-anchor=\"end\">"
                    + "\(Self.escape(Self.short(group.label)))</text>")
            for (i, name) in series.enumerated() {
                let value = i < group.values.count ? group.values[i] : nil
                let y = y0 + i * (Self.barHeight + Self.gap)
                let length = value.map(barLength) ?? 0
                out.append(
                    "<g><title>\(Self.escape("\(group.label), \(name): \(format(value))"))</title>"
                        + "<rect x=\"\(Self.labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(Self.barHeight)\" "
                        + "fill=\"\(Self.fills[i % Self.fills.count])\" data-value=\"\(value.map(String.init) ?? "")\"/>"
                        + "<text x=\"\(Self.labelWidth + length + 6)\" y=\"\(y + Self.barHeight - 3)\">"
                        + "\(Self.escape(format(value)))</text></g>")
            }
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func short(_ text: String) -> String {
        text.count > 28 ? String(text.prefix(27)) + "…" : text
    }

    /// The site's own escaping (`HTMLText.escape`: `&`, `<`, `>`, `"` and `'` as entities, byte by byte): four passes
    /// of Foundation's `replacingOccurrences` were a third of the finance page's chart at national scale.
    public static func escape(_ s: String) -> String { HTMLText.escape(s) }
}
