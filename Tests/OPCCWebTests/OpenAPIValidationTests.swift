import Foundation
import OPCCTestSupport
import Testing

@testable import OPCCWeb

/// Runs the PyPI package openapi-spec-validator over the generated OpenAPI document, read as any tool reads it:
/// with a plain YAML loader (`yaml.safe_load`), which takes an unquoted `200:` for a number and so breaks the
/// document (OpenAPI says a response code "MUST be enclosed in quotation marks").
enum OpenAPIValidator {
    static let tool = OutsideTool.openAPISpecValidator

    static let script = """
        import sys, yaml
        from openapi_spec_validator import validate
        with open(sys.argv[1], encoding="utf-8") as f:
            document = yaml.safe_load(f)
        if not str(document.get("openapi", "")).startswith("3.1"):
            sys.exit("not an OpenAPI 3.1 document")
        validate(document)
        print("valid: %d paths" % len(document["paths"]))
        """

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try OutsideTool.python3(arguments)
    }

    static func validate(_ yaml: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).yaml")
        try Data(yaml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try python(["-c", script, file.path])
    }
}

@Suite(
    "OpenAPI: the document passes an OpenAPI 3.1 validator",
    .enabled(if: OpenAPIValidator.tool.runs, Comment(rawValue: OpenAPIValidator.tool.skipReason)))
struct OpenAPIValidationTests {
    @Test("openapi-valid: the generated document passes openapi-spec-validator")
    func documentIsValid() async throws {
        try #require(OpenAPIValidator.tool.available, Comment(rawValue: OpenAPIValidator.tool.missingInCI))
        let result = try OpenAPIValidator.validate(OpenAPIDocument.text)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("valid: \(Set(API.operations.map(\.path)).count + 1) paths"), "\(result.output)")
    }

    @Test("openapi-valid: a document with unquoted response codes fails when read with a plain YAML loader")
    func unquotedResponseCodesFail() async throws {
        try #require(OpenAPIValidator.tool.available, Comment(rawValue: OpenAPIValidator.tool.missingInCI))
        let unquoted = OpenAPIDocument.text.replacingOccurrences(of: "\"200\":", with: "200:")
        #expect(unquoted != OpenAPIDocument.text)
        let result = try OpenAPIValidator.validate(unquoted)
        #expect(result.status != 0, "\(result.output)")
    }

    @Test("openapi-valid: the validator refuses a document with a broken reference (it really checks)")
    func validatorRefusesABrokenDocument() async throws {
        try #require(OpenAPIValidator.tool.available, Comment(rawValue: OpenAPIValidator.tool.missingInCI))
        let broken = OpenAPIDocument.text.replacingOccurrences(
            of: "#/components/schemas/Problem", with: "#/components/schemas/NoSuchSchema")
        #expect(broken != OpenAPIDocument.text)
        let result = try OpenAPIValidator.validate(broken)
        #expect(result.status != 0)
    }
}
