import Foundation
import NIOSSL

/// The relay the notifications go through, as `--smtp-url`, `--smtp-ca` and `--smtp-from` configure it.
///
/// `smtp://[user[:password]@]host[:port]` speaks STARTTLS (port 587 by default) and refuses a relay that does not
/// offer it, except on a loopback host; `smtps://…` is TLS from the first byte (port 465 by default). The password may
/// come from the environment (`OPCC_SMTP_PASSWORD`) so that it never stands on a command line; `description` never
/// shows it.
public struct SMTPRelay: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected.
    public enum Security: Sendable, Equatable {
        /// Plain TCP, upgraded by STARTTLS (required unless the host is loopback).
        case startTLS
        /// TLS from the first byte (`smtps://`, often port 465).
        case implicitTLS
    }

    /// The environment variable a password is read from when the URL names a user and no password.
    public static let passwordVariable = "OPCC_SMTP_PASSWORD"

    public let host: String
    public let port: Int
    public let security: Security
    /// The user to authenticate as (AUTH PLAIN, or LOGIN when only that is offered); nil: no authentication.
    public let user: String?
    let password: String?
    /// The envelope sender and the From address of every message.
    public let sender: String
    /// A PEM file of certificate authorities trusted in addition to the system's (a private relay's authority).
    public let certificateAuthorityPath: String?

    /// Reads the configuration; each mistake is refused with its own `SMTPRelayRefusal`.
    public init(
        url: String, sender: String, certificateAuthorityPath: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SMTPRelayRefusal) {
        let parts = try Self.parse(url)
        self.host = parts.host
        self.port = parts.port
        self.security = parts.security
        self.user = parts.user
        let fromEnvironment = environment[Self.passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (parts.user, parts.password ?? fromEnvironment) {
        case (nil, nil): self.password = nil
        case (nil, _?): throw .passwordWithoutUser
        case (let user?, nil): throw .passwordMissing(user: user)
        case (_, let password?): self.password = password
        }
        guard MailAddress.isValid(sender) else { throw .invalidSender(sender) }
        self.sender = sender
        if let path = certificateAuthorityPath {
            guard FileManager.default.isReadableFile(atPath: path) else { throw .certificateAuthorityUnreadable(path) }
            guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
                throw .certificateAuthorityNotPEM(path)
            }
        }
        self.certificateAuthorityPath = certificateAuthorityPath
    }

    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let who = user.map { "\(Self.percentEncoded($0))@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(who)\(shownHost):\(port) from \(sender)"
    }

    /// Whether the host is this machine (`localhost`, 127.0.0.0/8, `::1`): there, and only there, a relay that does
    /// not offer STARTTLS is used in plain text (a local MTA or a test server never leaves the machine).
    public var isLoopback: Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// What to do after EHLO on an `smtp://` connection: upgrade when STARTTLS is offered; when it is not, carry on in
    /// plain text only on loopback, and refuse anywhere else (a relay that drops STARTTLS may be under attack).
    public func startTLSDecision(offered: Bool) throws(SMTPFailure) -> Bool {
        if offered { return true }
        guard isLoopback else { throw .startTLSNotOffered(host: host) }
        return false
    }

    static func parse(
        _ url: String
    ) throws(SMTPRelayRefusal) -> (
        security: Security, user: String?, password: String?, host: String, port: Int
    ) {
        guard let schemeEnd = url.range(of: "://") else { throw .notAURL(url) }
        let security: Security
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "smtp": security = .startTLS
        case "smtps": security = .implicitTLS
        case let other: throw .unsupportedScheme(String(other))
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains(where: { "/?#".contains($0) }) else { throw .pathNotAllowed }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let pieces = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = pieces[0].removingPercentEncoding
            password = pieces.count > 1 ? pieces[1].removingPercentEncoding : nil
            guard let name = user, !name.isEmpty, pieces.count == 1 || password != nil else {
                throw .invalidCredentials
            }
        }
        let (host, portText) = try splitHostAndPort(rest)
        guard !host.isEmpty else { throw .missingHost }
        let port: Int
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw .invalidPort(portText) }
            port = number
        } else {
            port = security == .implicitTLS ? 465 : 587
        }
        return (security, user, password, host, port)
    }

    private static func splitHostAndPort(_ text: Substring) throws(SMTPRelayRefusal) -> (String, String?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .missingHost }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw .missingHost }
            return (host, after.isEmpty ? nil : String(after.dropFirst()))
        }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { throw .missingHost }
        let host = String(pieces[0])
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }), host.allSatisfy(\.isASCII)
        else { throw .invalidHost(host) }
        return (host, pieces.count == 2 ? String(pieces[1]) : nil)
    }

    private static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

/// Why a relay's configuration was refused. Nothing here repeats a password.
public enum SMTPRelayRefusal: Error, Equatable, CustomStringConvertible {
    case notAURL(String)
    case unsupportedScheme(String)
    case pathNotAllowed
    case invalidCredentials
    case missingHost
    case invalidHost(String)
    case invalidPort(String)
    case passwordMissing(user: String)
    case passwordWithoutUser
    case invalidSender(String)
    case certificateAuthorityUnreadable(String)
    case certificateAuthorityNotPEM(String)

    public var description: String {
        switch self {
        case .notAURL(let text):
            return "--smtp-url '\(text.prefix(40))…' is not a URL: write smtp://[user@]host[:port] or smtps://…"
        case .unsupportedScheme(let scheme):
            return "--smtp-url scheme '\(scheme)' is not smtp or smtps"
        case .pathNotAllowed:
            return "--smtp-url takes no path, query or fragment: smtp[s]://[user[:password]@]host[:port]"
        case .invalidCredentials:
            return "--smtp-url's user is empty or not percent-encoded (write user[:password]@ before the host)"
        case .missingHost:
            return "--smtp-url names no host (an IPv6 address goes in brackets: smtp://[::1]:25)"
        case .invalidHost(let host):
            return "--smtp-url host '\(host)' is not a host name or an address"
        case .invalidPort(let port):
            return "--smtp-url port '\(port)' is not a number from 1 to 65535"
        case .passwordMissing(let user):
            return "--smtp-url names the user '\(user)' but no password: set \(SMTPRelay.passwordVariable)"
        case .passwordWithoutUser:
            return "\(SMTPRelay.passwordVariable) is set but --smtp-url names no user (smtp://user@host)"
        case .invalidSender(let sender):
            return "--smtp-from '\(sender)' is not an email address (name@domain, ASCII, no spaces)"
        case .certificateAuthorityUnreadable(let path):
            return "--smtp-ca \(path) cannot be read"
        case .certificateAuthorityNotPEM(let path):
            return "--smtp-ca \(path) holds no PEM certificate"
        }
    }
}
