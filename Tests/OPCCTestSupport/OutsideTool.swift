import Foundation

/// A program outside the Swift toolchain that some tests need (a Python package today; PostgreSQL and an SMTP server
/// later). Every such test behaves one way: outside CI it runs when the tool is there and is otherwise skipped with a
/// printed reason naming the one command that enables it; under `CI=true` it never skips, so a missing tool fails the
/// run instead of hiding it. README's "Optional tools for the tests" lists them all.
public struct OutsideTool: Sendable {
    /// What is needed, as a person would say it: "python3 with the icalendar package".
    public let what: String
    /// The one command that makes the tool available here.
    public let enable: String
    /// Whether the tool answered its probe on this machine.
    public let available: Bool

    /// Whether this is a CI run (`CI=true`, as `.ci/run` sets it): there no such test may skip.
    public static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    public init(what: String, enable: String, available: Bool) {
        self.what = what
        self.enable = enable
        self.available = available
    }

    /// Whether a test that needs the tool runs: always in CI, elsewhere when the tool is there.
    public var runs: Bool { available || Self.inCI }

    /// The reason Swift Testing prints for a skipped test.
    public var skipReason: String {
        "needs \(what); enable it with `\(enable)` (with CI=true this test never skips)"
    }

    /// The failure a CI run reports when the tool is missing.
    public var missingInCI: String {
        "\(what) is missing, and with CI=true this test never skips: \(enable) (.ci/run installs it)"
    }

    /// A Python package, probed by importing `modules` with the `python3` on PATH.
    public static func python(package: String, modules: String) -> OutsideTool {
        let probe = try? python3(["-c", "import \(modules)"])
        return OutsideTool(
            what: "python3 with the \(package) package", enable: "python3 -m pip install \(package)",
            available: probe?.status == 0)
    }

    /// The PyPI package icalendar, which parses the calendar feeds as a calendar program would.
    public static let icalendar = python(package: "icalendar", modules: "icalendar")
    /// The PyPI package openapi-spec-validator (with PyYAML), which validates the OpenAPI document.
    public static let openAPISpecValidator = python(
        package: "openapi-spec-validator", modules: "openapi_spec_validator, yaml")
    /// The PyPI package jsonschema, which validates the 360Giving export against the official schema.
    public static let jsonschema = python(package: "jsonschema", modules: "jsonschema, referencing")

    /// Runs the `python3` found on PATH with `arguments`; its exit status and everything it printed.
    public static func python3(_ arguments: [String]) throws -> (status: Int32, output: String) {
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
}

extension OutsideTool {
    /// A PostgreSQL server the tests may create databases on, named by `OPCC_TEST_POSTGRES_URL` (a role with
    /// CREATEDB; `.ci/pg-cluster` makes one and `.ci/run` exports the variable).
    public static let postgres = OutsideTool(
        what: "a PostgreSQL 15 server named by OPCC_TEST_POSTGRES_URL",
        enable: ".ci/pg-cluster start /tmp/opcc-pg && export OPCC_TEST_POSTGRES_URL=$(cat /tmp/opcc-pg/url)",
        available: !(postgresURL ?? "").isEmpty)

    /// The URL of the tests' PostgreSQL server (its template database), when one is named.
    public static var postgresURL: String? { ProcessInfo.processInfo.environment["OPCC_TEST_POSTGRES_URL"] }
}
