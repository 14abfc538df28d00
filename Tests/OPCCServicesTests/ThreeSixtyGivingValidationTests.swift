import Foundation
import OPCCCore
import OPCCTestSupport
import Testing

@testable import OPCCServices

/// Runs the official 360Giving schema over the product's export with `Fixtures/360giving/validate.py`.
enum ThreeSixtyGivingValidator {
    static let folder = repositoryRoot.appendingPathComponent("Tests/OPCCServicesTests/Fixtures/360giving")

    static let tool = OutsideTool.jsonschema

    /// Runs python3 with `arguments`; its exit status and what it printed.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try OutsideTool.python3(arguments)
    }

    /// Validates a package; the validator's exit status and report.
    static func validate(_ package: Data) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("360giving-\(UUID().uuidString).json")
        try package.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try python([folder.appendingPathComponent("validate.py").path, file.path])
    }
}

@Suite(
    "360Giving: the export passes the official schema",
    .enabled(if: ThreeSixtyGivingValidator.tool.runs, Comment(rawValue: ThreeSixtyGivingValidator.tool.skipReason)))
struct ThreeSixtyGivingValidationTests {
    @Test(
        "three-sixty-giving-valid: the demo's export validates against the 360Giving package schema",
        arguments: TestEngine.all)
    func demoExportIsValid(engine: TestEngine) async throws {
        let tool = ThreeSixtyGivingValidator.tool
        try #require(tool.available, Comment(rawValue: tool.missingInCI))
        let app = try await transparencyApp(engine)
        for office in ["cumbria", "lincolnshire"] {
            let result = try await ThreeSixtyGivingValidator.validate(try app.threeSixtyGiving(office: office))
            #expect(result.status == 0, "\(office): \(result.output)")
            #expect(result.output.contains("valid: 2 grants"), "\(office): \(result.output)")
        }
        let all = try await ThreeSixtyGivingValidator.validate(try app.threeSixtyGiving())
        #expect(all.status == 0 && all.output.contains("valid: 4 grants"), "\(all.output)")
    }

    @Test(
        "three-sixty-giving-valid: the validator refuses an amount in pence written as text (it really checks)",
        arguments: TestEngine.all)
    func validatorRefusesABrokenPackage(engine: TestEngine) async throws {
        let tool = ThreeSixtyGivingValidator.tool
        try #require(tool.available, Comment(rawValue: tool.missingInCI))
        let app = try await transparencyApp(engine)
        let good = await String(decoding: try app.threeSixtyGiving(office: "cumbria"), as: UTF8.self)
        let broken = good.replacingOccurrences(of: #""amountAwarded": 50000"#, with: #""amountAwarded": "5000000""#)
        #expect(broken != good)
        let result = try ThreeSixtyGivingValidator.validate(Data(broken.utf8))
        #expect(result.status == 1)
        #expect(result.output.contains("amountAwarded"))
    }
}
