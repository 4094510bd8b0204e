public enum ParcVersion { public static let current = "0.1.0" }
