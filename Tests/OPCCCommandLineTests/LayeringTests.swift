import Foundation
import Testing

/// The layers as the package promises them: the front ends (the web and the command line) import the services and
/// the core, never the store. The services build the store (`Commissioning.open`, the composition root) and turn its
/// errors into their own, so only they and the bench tool, which measures the store itself, may import it.
@Suite("Layers: who may import the store")
struct LayeringTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    /// Each Swift file under `Sources/<module>` that imports `module`, as a path from the repository root.
    static func files(in module: String, importing imported: String) throws -> [String] {
        let folder = root.appendingPathComponent("Sources/\(module)")
        let pattern = try Regex(
            "^\\s*(@[A-Za-z_]+(\\([^)]*\\))?\\s+)*import\\s+((struct|enum|class|protocol|func|var)\\s+)?\(imported)\\b")
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            if text.split(separator: "\n").contains(where: { $0.firstMatch(of: pattern) != nil }) {
                found.append(url.path.replacingOccurrences(of: root.path + "/", with: ""))
            }
        }
        return found.sorted()
    }

    @Test func theFrontEndsImportTheServicesAndTheCoreButNeverTheStore() async throws {
        for module in ["OPCCWeb", "OPCCCommandLine", "opcc"] {
            #expect(try Self.files(in: module, importing: "OPCCStore") == [], "\(module)")
        }
    }

    @Test func theCoreImportsNeitherTheStoreNorTheServices() async throws {
        #expect(try Self.files(in: "OPCCCore", importing: "OPCCStore") == [])
        #expect(try Self.files(in: "OPCCCore", importing: "OPCCServices") == [])
    }

    /// The scan itself finds an import where there is one, so an empty answer above means something.
    @Test func theScanFindsTheStoreImportedWhereItIs() async throws {
        #expect(try Self.files(in: "OPCCServices", importing: "OPCCStore").count > 10)
        #expect(try Self.files(in: "opcc-bench", importing: "OPCCStore") != [])
    }
}
