import PropertyBased
import Testing

@testable import OPCCCore

@Suite("Grouped bar chart")
struct GroupedBarChartTests {
    let chart = GroupedBarChart(
        title: "Spend against profile", series: ["Profiled", "Reported"],
        groups: [
            .init(label: "2016/17 Q1", values: [1_250_000, 1_000_000]),
            .init(label: "2016/17 Q2", values: [1_250_000, 1_250_000]),
            .init(label: "2016/17 Q3", values: [2_500_000, nil]),
        ], id: "g1")

    @Test("bar lengths are proportional to the values, the largest filling the plot")
    func barsAreProportional() {
        #expect(chart.maximum == 2_500_000)
        #expect(chart.barLength(2_500_000) == GroupedBarChart.plotWidth)
        #expect(chart.barLength(1_250_000) == GroupedBarChart.plotWidth / 2)
        #expect(chart.barLength(1_000_000) == 120)
        #expect(chart.barLength(0) == 0)
        #expect(chart.barLength(-5) == 0, "a negative figure draws no bar")
        let svg = chart.svg
        #expect(svg.contains("width=\"300\" height=\"14\" fill=\"#1d70b8\" data-value=\"2500000\""))
        #expect(svg.contains("width=\"150\" height=\"14\" fill=\"#00703c\" data-value=\"1250000\""))
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 2 + 6, "a key swatch per series, a bar per value")
    }

    @Test("series totals add every group's value, leaving out the missing ones")
    func totals() {
        #expect(chart.total(ofSeries: 0) == 5_000_000)
        #expect(chart.total(ofSeries: 1) == 2_250_000)
    }

    @Test("the text alternative gives every figure in words, money as pounds")
    func textAlternative() {
        let svg = chart.svg
        #expect(svg.contains("role=\"img\" aria-labelledby=\"bars-title-g1 bars-desc-g1\""))
        #expect(svg.contains("<title id=\"bars-title-g1\">Spend against profile</title>"))
        #expect(
            chart.textAlternative
                == "Spend against profile. 2016/17 Q1: Profiled £12,500.00, Reported £10,000.00; 2016/17 Q2: Profiled "
                + "£12,500.00, Reported £12,500.00; 2016/17 Q3: Profiled £25,000.00, Reported none.")
    }

    @Test("labels are escaped and an empty chart says so")
    func escapedAndEmpty() {
        let odd = GroupedBarChart(
            title: "A <b> & \"c\"", series: ["Wards"], groups: [.init(label: "<x>", values: [3])], unit: .count,
            id: "x")
        #expect(!odd.svg.contains("<b>"))
        #expect(odd.svg.contains("A &lt;b&gt; &amp; &quot;c&quot;"))
        #expect(odd.textAlternative == "A <b> & \"c\". <x>: Wards 3.")
        let empty = GroupedBarChart(title: "Budget used", series: ["Budget"], groups: [], id: "e")
        #expect(empty.textAlternative == "Budget used: nothing to show yet.")
        #expect(empty.maximum == 1)
    }

    /// Any text is escaped by its scalars (`HTMLText.escape`): `&`, `<`, `>`, `"` and `'` as entities, everything
    /// else as it is (a markup character followed by a combining mark too, which Foundation's grapheme-wise
    /// `replacingOccurrences`, used before, left as it was).
    @Test func anyTextIsEscapedScalarByScalar() async {
        await propertyCheck(count: 1_000, input: HostileText.text) { text in
            var expected = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": expected += "&amp;"
                case "<": expected += "&lt;"
                case ">": expected += "&gt;"
                case "\"": expected += "&quot;"
                case "'": expected += "&#39;"
                default: expected.unicodeScalars.append(scalar)
                }
            }
            #expect(GroupedBarChart.escape(text).utf8.elementsEqual(expected.utf8))
        }
        #expect(GroupedBarChart.escape("<\u{301}&\u{301}") == "&lt;\u{301}&amp;\u{301}")
    }
}
