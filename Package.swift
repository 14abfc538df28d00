// swift-tools-version:6.2
// The OPCC grant and commissioning workflow engine.
//
// Layers, one direction of dependency (each arrow reads "may import"):
//   opcc (CLI executable) → OPCCCommandLine → OPCCServices → OPCCStore → OPCCCore
// The front ends (OPCCWeb, OPCCCommandLine) import the services and the core, never the store: the services build it
// (`Commissioning.open`) and turn its errors into their own (`StorageFailure`).
// OPCCCore is pure: domain values and rules and the workflow interpreter, with no SQL, no files, no network.
// OPCCStore is the only module that speaks SQL (GRDB on the system libsqlite3; libpq for PostgreSQL).
// OPCCMail sits beside the store as an I/O module the front ends use: the SMTP client (SwiftNIO, swift-nio-ssl) that
// implements the services' `MailTransport`; it imports the services, and nothing below it imports it.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "opcc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "opcc", targets: ["opcc"]),
        .executable(name: "opcc-bench", targets: ["opcc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .target(
            name: "OPCCCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // libpq, PostgreSQL's C client, for the PostgreSQL store (Debian's libpq-dev; Homebrew's libpq).
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(
            name: "OPCCStore",
            dependencies: [
                "OPCCCore", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API itself, for the few loops that read millions of rows by column (`audit verify`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OPCCServices",
            dependencies: [
                "OPCCCore", "OPCCStore", .product(name: "Yams", package: "Yams"),
                .product(name: "CSV", package: "CSV.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OPCCMail",
            dependencies: [
                "OPCCServices",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OPCCWeb",
            dependencies: [
                "OPCCCore", "OPCCServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                // Uploads: multipart/form-data parsed as it arrives, the file written through NIO's thread pool.
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OPCCCommandLine",
            dependencies: [
                "OPCCCore", "OPCCServices", "OPCCWeb", "OPCCMail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opcc",
            dependencies: ["OPCCCommandLine"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opcc-bench",
            dependencies: [
                "OPCCCore", "OPCCStore", "OPCCServices", "OPCCMail", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the tests share about the outside tools some of them need (Python packages, servers).
        .target(
            name: "OPCCTestSupport", dependencies: ["OPCCStore"], path: "Tests/OPCCTestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "OPCCCoreTests",
            dependencies: ["OPCCCore", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OPCCStoreTests",
            dependencies: [
                "OPCCCore", "OPCCStore", "OPCCTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OPCCServicesTests",
            dependencies: [
                "OPCCCore", "OPCCStore", "OPCCServices", "OPCCTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OPCCCommandLineTests",
            dependencies: [
                "OPCCCommandLine", "OPCCServices", "OPCCCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"), "OPCCTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OPCCMailTests",
            dependencies: [
                "OPCCMail", "OPCCServices", "OPCCTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OPCCWebTests",
            dependencies: [
                "OPCCWeb", "OPCCServices", "OPCCCore", "OPCCStore", "OPCCTestSupport", "OPCCMail",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
