import Foundation
import GRDB
import Testing

@Suite("opcc user passwd and opcc serve's options")
struct UserPasswdCommandTests {
    @Test func passwdActsAsThePersonOrTheirChiefExecutiveAndIsAnAuditEvent() async throws {
        let db = temporaryDatabase()
        await #expect(try opcc(["demo", "--db", db, "--without-returns"]).status == 0)
        let file = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("password").path
        try "a long passphrase\n".write(toFile: file, atomically: true, encoding: .utf8)
        func passwd(_ arguments: [String]) async throws -> CLIResult {
            try await opcc(["user", "passwd", "cumbria.officer", "--password-file", file, "--db", db] + arguments)
        }
        let nobody = try await passwd([])
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("actor-required"))
        for other in ["cumbria.finance", "lincs.chief-executive"] {
            let refused = try await passwd(["--as", other])
            #expect(refused.status == 1, "\(other)")
            #expect(refused.stderr.contains("password-set-by-person-or-chief-executive"), "\(refused.stderr)")
        }
        let own = try await passwd(["--as", "cumbria.officer"])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stdout.contains("password set for cumbria.officer"))
        await #expect(try passwd(["--as", "cumbria.chief-executive"]).status == 0)
        let queue = try DatabaseQueue(path: db)
        let actors = try await queue.read {
            try String.fetchAll($0, sql: "SELECT actor FROM audit_event WHERE event = 'password-changed' ORDER BY seq")
        }
        try queue.close()
        #expect(actors == ["cumbria.officer", "cumbria.chief-executive"])
        await #expect(try opcc(["audit", "verify", "--db", db]).status == 0)
    }

    @Test func serveRefusesAPublicURLWithAPathAndATrustedProxyThatIsNotAnAddress() async throws {
        let path = try await opcc(["serve", "--public-url", "https://opcc.example/decisions"])
        #expect(path.status == 64)
        #expect(path.stderr.contains("must not have a path"))
        let scheme = try await opcc(["serve", "--public-url", "ftp://opcc.example"])
        #expect(scheme.status == 64)
        #expect(scheme.stderr.contains("must begin with http:// or https://"))
        let proxy = try await opcc(["serve", "--trusted-proxy", "proxy.internal"])
        #expect(proxy.status == 64)
        #expect(proxy.stderr.contains("is not an IP address"))
    }
}
