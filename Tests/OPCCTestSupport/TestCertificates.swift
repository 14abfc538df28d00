import Foundation

/// A throwaway certificate authority and the certificates it signs, made by the `openssl` command line in a folder
/// of their own, so that a test's TLS is verified for real (an authority given by `--smtp-ca`, a name that must
/// match) and never switched off.
public struct TestCertificateAuthority: Sendable {
    /// The authority's certificate (PEM): what `--smtp-ca` names.
    public let certificate: String
    let key: String
    let folder: URL

    /// A new authority with its own key.
    public static func make(name: String = "OPCC test authority") async throws -> TestCertificateAuthority {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let authority = TestCertificateAuthority(
            certificate: folder.appendingPathComponent("ca.pem").path,
            key: folder.appendingPathComponent("ca.key").path,
            folder: folder)
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            authority.key,
            "-out", authority.certificate, "-days", "2", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        return authority
    }

    /// A server certificate and key signed by this authority, for the names given (`DNS:localhost`,
    /// `IP:127.0.0.1`).
    public func serverCertificate(
        names: [String] = ["DNS:localhost", "IP:127.0.0.1"]
    ) async throws -> (
        certificate: String, key: String
    ) {
        let base = folder.appendingPathComponent("server-\(UUID().uuidString)").path
        let extensions = base + ".ext"
        try "subjectAltName=\(names.joined(separator: ","))\nextendedKeyUsage=serverAuth\n"
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        try await Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", base + ".key",
            "-out", base + ".csr", "-subj", "/CN=opcc test relay",
        ])
        try await Self.openssl([
            "x509", "-req", "-in", base + ".csr", "-CA", certificate, "-CAkey", key, "-CAcreateserial", "-out",
            base + ".pem", "-days", "2", "-extfile", extensions,
        ])
        return (base + ".pem", base + ".key")
    }

    /// A certificate that signs itself (no authority vouches for it).
    public static func selfSigned() async throws -> (certificate: String, key: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("opcc-self-\(UUID().uuidString)").path
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            base + ".key",
            "-out", base + ".pem", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        return (base + ".pem", base + ".key")
    }

    static func openssl(_ arguments: [String]) async throws {
        let (status, output) = try await offThePool { try Spawned.run("/usr/bin/env", ["openssl"] + arguments) }
        guard status == 0 else { throw SMTPSink.SinkError(message: "openssl \(arguments[0]) failed: \(output)") }
    }
}
