// swift-tools-version: 6.1
import PackageDescription

// Dependencies point one way: CLMDB -> LMDB -> AccessLabLog -> (later layers) -> AccessLabCLI -> accesslab.
// AccessLabEvents is pure (no I/O) and sits under the log.
let package = Package(
    name: "AccessLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "accesslab", targets: ["accesslab"]),
        .library(name: "AccessLabEvents", targets: ["AccessLabEvents"]),
        .library(name: "AccessLabLog", targets: ["AccessLabLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(name: "AccessLabEvents"),
        .target(
            name: "AccessLabLog",
            dependencies: [
                "LMDB", "AccessLabEvents",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AccessLabSimulation",
            dependencies: [
                "AccessLabEvents", "AccessLabLog",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "AccessLabCLI",
            dependencies: [
                "AccessLabEvents", "AccessLabLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "accesslab", dependencies: ["AccessLabCLI"]),
        .testTarget(
            name: "AccessLabTests",
            dependencies: [
                "LMDB", "AccessLabEvents", "AccessLabLog", "AccessLabSimulation", "AccessLabCLI", "accesslab",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
