import Testing

@testable import OPCCCore

@Suite("Indicator trend chart")
struct IndicatorTrendChartTests {
    let indicator = GrantAgreement.OutcomeIndicator(
        name: "IOM offenders in Ormsgill", unit: "offenders", baseline: "10", target: "ASSUMED: fewer than 8")

    @Test func readsTheFirstNumberAsWritten() {
        #expect(IndicatorTrendChart.firstNumber(in: "101 this quarter") == 101)
        #expect(IndicatorTrendChart.firstNumber(in: "26.4") == 26.4)
        #expect(IndicatorTrendChart.firstNumber(in: "1,204 incidents") == 1204)
        #expect(IndicatorTrendChart.firstNumber(in: "ASSUMED: fewer than 8.") == 8)
        #expect(IndicatorTrendChart.firstNumber(in: "ASSUMED: 10% fewer") == 10)
        #expect(IndicatorTrendChart.firstNumber(in: "not yet measured") == nil)
    }

    @Test func chartHasItsTextAlternativeAndEveryReading() {
        let chart = IndicatorTrendChart(
            indicator: indicator,
            readings: [
                .init(label: "Q1", text: "10"), .init(label: "Q2", text: "9"), .init(label: "Q3", text: "not counted"),
                .init(label: "Q4", text: "8"),
            ], id: "g1-1")
        let svg = chart.svg
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"trend-title-g1-1 trend-desc-g1-1\""))
        #expect(
            svg.contains(
                "<desc id=\"trend-desc-g1-1\">IOM offenders in Ormsgill (offenders) by quarter: Q1: 10; Q2: 9; "
                    + "Q3: not counted; Q4: 8. Baseline 10; target ASSUMED: fewer than 8.</desc>"))
        // Three plotted readings (the unreadable one is named in the text alternative but not plotted), one line.
        #expect(svg.components(separatedBy: "<rect ").count - 1 == 3)
        #expect(svg.components(separatedBy: "<path ").count - 1 == 1)
        #expect(svg.contains(">Baseline 10</text>"))
        #expect(svg.contains("stroke-dasharray=\"2 3\""), "the target line is drawn")
    }

    @Test func textIsEscaped() {
        let hostile = GrantAgreement.OutcomeIndicator(
            name: "<script>x</script>", unit: "a & b", baseline: "1", target: "2")
        let svg = IndicatorTrendChart(indicator: hostile, readings: [.init(label: "Q1", text: "<b>3</b>")], id: "x").svg
        #expect(!svg.contains("<script>"))
        #expect(!svg.contains("<b>"))
        #expect(svg.contains("&lt;script&gt;"))
    }
}
