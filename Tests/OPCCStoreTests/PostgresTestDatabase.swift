import Foundation
import OPCCStore
import OPCCTestSupport
import Testing

/// A database of its own for one test, cloned from the tests' template on the server `OPCC_TEST_POSTGRES_URL` names
/// (`CREATE DATABASE … TEMPLATE`, about a tenth of a second). Left in place when the test ends: dropping forces a
/// checkpoint per database, far slower than throwing the whole throwaway cluster away (docs/POSTGRES-DESIGN.md).
struct PostgresTestDatabase {
    let url: String

    /// A new database; a CI run without a server fails here, saying how to start one.
    static func make(sourceLocation: SourceLocation = #_sourceLocation) throws -> PostgresTestDatabase {
        let template = try #require(
            OutsideTool.postgresURL, Comment(rawValue: OutsideTool.postgres.missingInCI), sourceLocation: sourceLocation
        )
        let name = "opcc_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // Cloning needs a connection to another database than the template (which must have no other session).
        let admin = try PGConnection(url: replacingDatabase(of: template, with: "postgres"))
        try admin.execute("CREATE DATABASE \(name) TEMPLATE \(databaseName(of: template))")
        return PostgresTestDatabase(url: replacingDatabase(of: template, with: name))
    }

    static func databaseName(of url: String) -> String {
        String(url.split(separator: "/").last?.split(separator: "?").first ?? "opcc_template")
    }

    static func replacingDatabase(of url: String, with name: String) -> String {
        guard let slash = url.lastIndex(of: "/") else { return url }
        let query = url[slash...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return String(url[..<slash]) + "/" + name + query
    }
}
