/// The risk/harm matrix as a grid: probability (rows, highest first) against harm (columns), each cell banded by
/// its risk (probability × harm) under the partnership's limits, with the threats that fall in it. The CLI prints it
/// as a table, `RiskChart` draws it as SVG, and `textAlternative` says the same in words.
public struct RiskMatrix: Hashable, Sendable {
    public let title: String
    /// Highest first, down to 1.
    public let probabilities: [Int]
    /// Lowest first.
    public let harms: [Int]
    public let bands: RiskBands
    /// The threats whose risk is known, in the partnership's order.
    public let threats: [ScoredThreat]
    /// Names of the threats a selected priority covers (drawn and listed as selected).
    public let selected: Set<String>

    public init(_ assessment: PriorityAssessment, selection: PrioritySelection? = nil) {
        let threats = assessment.scored().filter { $0.risk != nil }
        let harmValues = threats.compactMap(\.harm)
        let low = max(1, (harmValues.min() ?? 1) - 1)
        let high = max(low, (harmValues.max() ?? 1) + 1)
        let top = max(assessment.method.probabilityScale.highestScore, threats.compactMap(\.probability).max() ?? 1)
        self.title = "\(assessment.partnershipName) \(assessment.year): risk = probability × harm"
        self.probabilities = Array((1...max(1, top)).reversed())
        self.harms = Array(low...high)
        self.bands = assessment.method.bands
        self.threats = threats
        self.selected = Set(
            threats.map(\.name).filter { name in !(selection?.covering(name).isEmpty ?? true) })
    }

    public func band(probability: Int, harm: Int) -> RiskBand { bands.band(probability * harm) }

    public func threats(probability: Int, harm: Int) -> [ScoredThreat] {
        threats.filter { $0.probability == probability && $0.harm == harm }
    }

    /// The grid as rows of cells: a header (`probability \ harm`, then each harm), then one row per probability
    /// whose cells give the band's initial and the numbers of the threats in it ("H 2", "M", "L 15*"; `*` marks a
    /// selected threat).
    public var table: [[String]] {
        var rows: [[String]] = [["probability \\ harm"] + harms.map(String.init)]
        for p in probabilities {
            rows.append(
                [String(p)]
                    + harms.map { h in
                        let initial = String(band(probability: p, harm: h).title.prefix(1))
                        let numbers = threats(probability: p, harm: h).map {
                            String($0.number) + (selected.contains($0.name) ? "*" : "")
                        }
                        return numbers.isEmpty ? initial : initial + " " + numbers.joined(separator: ",")
                    })
        }
        return rows
    }

    /// The chart in words, for anyone who cannot see it: the axes, the band limits, then each band's threats with
    /// their risk working, highest risk first.
    public var textAlternative: String {
        var lines = [
            "\(title).",
            "Probability runs from \(probabilities.last ?? 1) to \(probabilities.first ?? 1), harm from "
                + "\(harms.first ?? 0) to \(harms.last ?? 0). \(bands.limits(of: .high)); "
                + "\(bands.limits(of: .medium)); \(bands.limits(of: .low)).",
        ]
        for band in RiskBand.allCases {
            let inBand = threats.filter { $0.band == band }.sorted {
                ($0.risk ?? 0, -$0.number) > ($1.risk ?? 0, -$1.number)
            }
            let listed =
                inBand.isEmpty
                ? "none"
                : inBand.map { t in
                    "\(t.number) \(t.name) (risk \(t.risk!) = \(t.probability!) × \(t.harm!)"
                        + (selected.contains(t.name) ? ", selected)" : ")")
                }.joined(separator: "; ")
            lines.append("\(band.title): \(listed).")
        }
        return lines.joined(separator: "\n")
    }
}
