import Foundation
import OPCCCore
import Testing

/// The repository's shipped files, read by path so a test can change one line of a real file.
private func shipped(_ path: String) -> String {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url = url.deletingLastPathComponent()
    }
    return try! String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
}

/// `text` with `line` inserted after the first line containing `anchor`, indented as that line's key (a list item's
/// `- ` counts as indentation), with the 1-based number of the new line and its indentation.
func inserting(_ line: String, after anchor: String, in text: String) -> (text: String, line: Int, indent: Int) {
    var lines = text.components(separatedBy: "\n")
    let index = lines.firstIndex { $0.contains(anchor) }!
    let found = lines[index]
    var indent = found.prefix { $0 == " " }.count
    if found.dropFirst(indent).hasPrefix("- ") { indent += 2 }
    lines.insert(String(repeating: " ", count: indent) + line, at: index + 1)
    return (lines.joined(separator: "\n"), index + 2, indent)
}

/// One kind of file the core reads: how to read it (nil when accepted, else the error as shown), a real file of the
/// kind, and where a misspelt key goes.
struct CoreInputFile: Sendable, CustomTestStringConvertible {
    let kind: String
    let text: String
    let anchor: String
    let misspelt: String
    let field: String
    let read: @Sendable (String) -> String?
    var testDescription: String { kind }

    static let all: [CoreInputFile] = [
        .init(
            kind: "office profile", text: shipped("fixtures/offices/cumbria.yaml"),
            anchor: "deferralNeedsUntilDate: false", misspelt: "deferralNeedsUntilDat: true",
            field: "publication.deferralNeedsUntilDat",
            read: { text in
                do { _ = try OfficeProfile.parse(yaml: text, source: "cumbria.yaml") } catch {
                    return "\(error)"
                }
                return nil
            }),
        .init(
            kind: "workflow", text: shipped("workflows/quarterly-return.yaml"), anchor: "    event: submit",
            misspelt: "guard: [return-complete]", field: "transitions[1].guard",
            read: { text in
                do { _ = try WorkflowDefinition.parse(yaml: text, source: "quarterly-return.yaml") } catch {
                    return "\(error)"
                }
                return nil
            }),
        .init(
            kind: "VLI scheme", text: shipped("workflows/vli/vli-default.yaml"), anchor: "- name: burglary-dwelling",
            misspelt: "normalization: score-as-given", field: "variables[0].normalization",
            read: { text in
                do { _ = try VLIScheme.parse(yaml: text, source: "vli-default.yaml") } catch {
                    return "\(error)"
                }
                return nil
            }),
        .init(
            kind: "bank holidays",
            text: "version: 1\nextra:\n  - date: 2030-01-02\n    name: A one-off day\nmoved: []\n",
            anchor: "name: A one-off day", misspelt: "when: morning", field: "extra[0].when",
            read: { text in
                do { _ = try BankHolidayFile.parse(yaml: text, source: "bank-holidays.yaml") } catch {
                    return "\(error)"
                }
                return nil
            }),
    ]
}

@Suite("Strict YAML: every file the core reads refuses an unknown key and names a syntax error's place")
struct StrictYAMLTests {
    @Test(arguments: CoreInputFile.all)
    func anUnknownKeyIsRefusedNamingTheKeyAndItsLine(file: CoreInputFile) async throws {
        #expect(file.read(file.text) == nil, "the shipped file must load as it is")
        let (text, line, _) = inserting(file.misspelt, after: file.anchor, in: file.text)
        let message = try #require(file.read(text))
        #expect(message.contains("\(file.field): unknown key on line \(line) (known keys: "), "\(message)")
    }

    @Test(arguments: CoreInputFile.all)
    func aSyntaxErrorIsRefusedNamingItsLineAndColumn(file: CoreInputFile) async throws {
        // The second colon of `broken: a: b` is where YAML finds a mapping inside a plain value.
        let (text, line, indent) = inserting("broken: a: b", after: file.anchor, in: file.text)
        let message = try #require(file.read(text))
        #expect(message.contains("not valid YAML at line \(line), column \(indent + 10): "), "\(message)")
    }

    struct Grant: Decodable, Equatable {
        var name: String
        var purpose: String
        var amountPence: Int?
        var capital: Bool?
        var areas: [String]?
    }

    @Test func aMisspeltRequiredKeyIsReportedAsUnknownRatherThanAsAMissingField() {
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(Grant.self, from: "name: Surrey\npurpse: Youth work\n", source: "grant.yaml")
        }
        #expect(error?.kind == .unknownKey("purpse"))
        #expect(error?.line == 2)
        // The decode stopped at the missing purpose, so the keys after it were not reached: the message says so.
        #expect(error?.description == "grant.yaml: purpse: unknown key on line 2 (known keys include: name, purpose)")
    }

    @Test func theFirstUnknownKeyInTheFileIsReportedWithEveryKeyTheTypeDeclares() {
        let yaml = "grants:\n  - name: A\n    purpose: B\n    amont: 1\nzzz: 1\n"
        struct Round: Decodable { var grants: [Grant] }
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(Round.self, from: yaml, source: "round.yaml")
        }
        #expect(
            error?.description
                == "round.yaml: grants[0].amont: unknown key on line 4 (known keys: amountPence, areas, capital, name, "
                + "purpose)")
    }

    @Test func valuesDecodeAsYAMLWritesThem() async throws {
        let yaml = "name: \"014\"\npurpose: 'yes'\namountPence: 5_000\ncapital: true\nareas: [Ormsgill, ~]\n"
        struct Loose: Decodable, Equatable {
            var name: String
            var purpose: String
            var amountPence: Int
            var capital: Bool
            var areas: [String?]
            var missing: Int?
        }
        let decoded = try StrictYAML.decode(Loose.self, from: yaml, source: "x.yaml")
        #expect(
            decoded
                == Loose(
                    name: "014", purpose: "yes", amountPence: 5000, capital: true, areas: ["Ormsgill", nil],
                    missing: nil))
    }

    @Test func aNullValueForADeclaredOptionalKeyIsNotUnknown() async throws {
        let decoded = try StrictYAML.decode(Grant.self, from: "name: A\npurpose: B\ncapital: ~\n", source: "x.yaml")
        #expect(decoded == Grant(name: "A", purpose: "B", amountPence: nil, capital: nil, areas: nil))
    }

    @Test func aDictionaryTakesEveryKeyButItsValuesAreChecked() async throws {
        let good = try StrictYAML.decode(
            [String: Grant].self, from: "anything:\n  name: A\n  purpose: B\n", source: "x.yaml")
        #expect(good["anything"]?.purpose == "B")
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(
                [String: Grant].self, from: "anything:\n  name: A\n  purpose: B\n  colour: red\n", source: "x.yaml")
        }
        #expect(error?.kind == .unknownKey("colour"))
        #expect(error?.field == "anything.colour")
    }

    /// A type that reads one mapping with two key types, as the priorities fixture reads its file's fields and then
    /// its own: a key either declares is known.
    struct TwoKeyTypes: Decodable {
        var grant: Grant
        var day: String
        enum Keys: String, CodingKey { case day }
        init(from decoder: any Decoder) throws {
            grant = try Grant(from: decoder)
            day = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .day)
        }
    }

    @Test func aKeyEitherOfTwoKeyTypesOnOneMappingDeclaresIsKnown() async throws {
        let decoded = try StrictYAML.decode(
            TwoKeyTypes.self, from: "name: A\npurpose: B\nday: 2016-04-01\n", source: "x.yaml")
        #expect(decoded.day == "2016-04-01")
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(TwoKeyTypes.self, from: "name: A\npurpose: B\nday: x\nnight: y\n", source: "x.yaml")
        }
        #expect(
            error?.description
                == "x.yaml: night: unknown key on line 4 (known keys: amountPence, areas, capital, day, name, purpose)")
    }

    @Test func aKeyGivenTwiceIsASyntaxErrorNamingItsLine() {
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(Grant.self, from: "name: A\npurpose: B\nname: C\n", source: "x.yaml")
        }
        #expect(error?.kind == .syntax)
        #expect(error?.description.contains("\"name\" given twice in one mapping") == true)
        #expect(error?.line == 1)
    }

    @Test func aValueOfTheWrongFormIsRefusedNamingItsField() {
        let error = #expect(throws: YAMLInputError.self) {
            try StrictYAML.decode(Grant.self, from: "name: A\npurpose: B\namountPence: lots\n", source: "x.yaml")
        }
        #expect(error?.kind == .invalidValue)
        #expect(error?.description == "x.yaml: amountPence: expected a whole number")
    }
}
