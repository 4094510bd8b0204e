// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "parc",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parc", targets: ["parc"]),
        .executable(name: "parc-agent", targets: ["parc-agent"]),
        .library(name: "ParcCore", targets: ["ParcCore"]),
        .library(name: "ParcInventory", targets: ["ParcInventory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: Foundation only, no I/O, no clock.
        .target(name: "ParcCore", swiftSettings: strictSettings),
        // Inventory formats: GLPI-native JSON and FusionInventory/OCS XML <-> InventoryReport. Foundation and
        // FoundationXML only; no server, no database, no network.
        .target(name: "ParcInventory", dependencies: ["ParcCore", "CZlib"], swiftSettings: strictSettings),
        // zlib (zlib1g-dev) to inflate agents' bodies, with a ceiling, and to compress replies.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Debian's libzstd (libzstd-dev) for the backup engine's compression.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Backup engine: repository format, chunking, crypto, packs and index. No Vapor, no database.
        .target(
            name: "ParcBackup",
            dependencies: [
                "CZstd",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParcAgentKit",
            dependencies: [
                "ParcCore", "ParcBackup", "ParcInventory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // SMTP client and message composer; no database, no Vapor.
        .target(
            name: "ParcMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ParcServer",
            dependencies: [
                "ParcCore",
                "ParcInventory",
                "ParcMail",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Resources/Views"), .copy("Resources/Public"), .copy("Resources/Translations")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parc",
            dependencies: [
                "ParcServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parc-agent",
            dependencies: [
                "ParcAgentKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "ParcCoreTests", dependencies: ["ParcCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "ParcInventoryTests",
            dependencies: ["ParcInventory", "ParcCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParcBackupTests",
            dependencies: ["ParcBackup", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParcAgentTests",
            dependencies: ["ParcAgentKit", "ParcBackup", "ParcInventory", "ParcCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParcMailTests",
            dependencies: [
                "ParcMail",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Fixtures"), .copy("InboundFixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParcServerTests",
            dependencies: [
                "ParcServer",
                "ParcCore",
                "ParcMail",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
