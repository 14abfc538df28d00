import Foundation
import OPCCCore
import Testing

@testable import OPCCServices

/// Runs the official 360Giving schema over the product's export with `Fixtures/360giving/validate.py`.
enum ThreeSixtyGivingValidator {
    static let folder = repositoryRoot.appendingPathComponent("Tests/OPCCServicesTests/Fixtures/360giving")

    /// Whether CI is running: there the validation must run, never be skipped.
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether python3 with jsonschema can be run here.
    static let available: Bool = (try? python(["-c", "import jsonschema, referencing"]).status) == 0

    /// Runs python3 with `arguments`; its exit status and what it printed.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
    .enabled(
        if: ThreeSixtyGivingValidator.available || ThreeSixtyGivingValidator.inCI,
        "needs python3 with jsonschema (pip install jsonschema); in CI (CI=true) it always runs"))
struct ThreeSixtyGivingValidationTests {
    @Test("three-sixty-giving-valid: the demo's export validates against the 360Giving package schema")
    func demoExportIsValid() throws {
        try #require(
            ThreeSixtyGivingValidator.available,
            "python3 with the jsonschema package is missing: CI must install it (.ci/run: pip_install jsonschema)")
        let app = try transparencyApp()
        for office in ["cumbria", "lincolnshire"] {
            let result = try ThreeSixtyGivingValidator.validate(try app.threeSixtyGiving(office: office))
            #expect(result.status == 0, "\(office): \(result.output)")
            #expect(result.output.contains("valid: 2 grants"), "\(office): \(result.output)")
        }
        let all = try ThreeSixtyGivingValidator.validate(try app.threeSixtyGiving())
        #expect(all.status == 0 && all.output.contains("valid: 4 grants"), "\(all.output)")
    }

    @Test("three-sixty-giving-valid: the validator refuses an amount in pence written as text (it really checks)")
    func validatorRefusesABrokenPackage() throws {
        try #require(ThreeSixtyGivingValidator.available, "python3 with the jsonschema package is missing")
        let app = try transparencyApp()
        let good = String(decoding: try app.threeSixtyGiving(office: "cumbria"), as: UTF8.self)
        let broken = good.replacingOccurrences(of: #""amountAwarded": 50000"#, with: #""amountAwarded": "5000000""#)
        #expect(broken != good)
        let result = try ThreeSixtyGivingValidator.validate(Data(broken.utf8))
        #expect(result.status == 1)
        #expect(result.output.contains("amountAwarded"))
    }
}
