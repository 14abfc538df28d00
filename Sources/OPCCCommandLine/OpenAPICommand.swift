import ArgumentParser
import Foundation
import OPCCWeb

/// `opcc openapi`: the JSON API's OpenAPI 3.1 document, as `opcc serve` answers it at /openapi.yaml.
struct OpenAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the JSON API's OpenAPI 3.1 document (YAML).",
        discussion: """
            The document is generated from the server's own table of operations; docs/openapi.yaml is a copy, \
            kept current with: opcc openapi --out docs/openapi.yaml --force
            """)
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Flag(help: "Overwrite --out if it exists.") var force = false

    func run() async throws {
        guard let out else {
            print(OpenAPIDocument.text, terminator: "")
            return
        }
        if FileManager.default.fileExists(atPath: out) && !force {
            throw ValidationError("\(out) exists: give --force to overwrite it")
        }
        try Data(OpenAPIDocument.text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        print("wrote \(out)")
    }
}
