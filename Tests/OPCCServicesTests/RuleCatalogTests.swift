import Foundation
import OPCCServices
import Testing

/// The text of every Swift file under `folder` of the repository, by path, this file's own left out.
private func swiftTexts(under folder: String) throws -> [String: String] {
    let root = repositoryRoot.appendingPathComponent(folder)
    let own = URL(fileURLWithPath: #filePath).standardizedFileURL.path
    var texts: [String: String] = [:]
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    while let url = files?.nextObject() as? URL {
        guard url.pathExtension == "swift", url.standardizedFileURL.path != own else { continue }
        texts[url.path] = try String(contentsOf: url, encoding: .utf8)
    }
    return texts
}

/// The rule ids the services, the web and the CLI refuse by are named constants (`ServiceRefusal.Rule`); these tests
/// keep the list and the tests together, so a new rule comes with a test that triggers it (issue 22, item 3).
@Suite("Rules: every rule is a named constant triggered by a test")
struct RuleCatalogTests {
    @Test func everyRuleIsTriggeredByATest() async throws {
        let tests = try swiftTexts(under: "Tests").values.joined(separator: "\n")
        let untested = ServiceRefusal.Rule.allCases.map(\.rawValue).filter { !tests.contains("\"\($0)\"") }
        #expect(untested == [], "rules no test names: write a test that triggers each")
    }

    @Test func everyRuleIdIsLowercaseWordsJoinedByHyphensAndItsNameIsTheIdInCamelCase() {
        for rule in ServiceRefusal.Rule.allCases {
            let id = rule.rawValue
            #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
            #expect(!id.hasPrefix("-") && !id.hasSuffix("-") && !id.contains("--"), "\(id)")
            let words = id.split(separator: "-")
            let camel = words[0] + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            #expect("\(rule)" == camel, "\(id)")
        }
    }

    /// A rule the services decide is a constant: `coreRule:` passes on only what Core's typed refusals decide.
    @Test func noSourceFileThrowsARuleSpelledAsAString() throws {
        for (path, text) in try swiftTexts(under: "Sources") {
            #expect(!text.contains("coreRule: \""), "\(path) passes a literal as a Core rule")
            for line in text.split(separator: "\n") where line.contains("ServiceRefusal") {
                #expect(!line.contains("rule: \""), "\(path): \(line)")
            }
        }
    }

    @Test func aRefusalCarriesItsRulesIdForTheFrontEnds() {
        let refusal = ServiceRefusal.notFound(rule: .knownDecision, message: "no decision record '9/2016'")
        #expect(refusal.rule == "known-decision")
        #expect(refusal.kind == .notFound)
        #expect(refusal.description == "refused (known-decision): no decision record '9/2016'")
    }
}
