/// The collectors of a Linux machine, in the order they run (the virtualisation collector reads what the BIOS one
/// found).
public enum LinuxCollectors {
    /// Every Linux collector over `environment`.
    public static func all(_ environment: InventoryEnvironment) -> [any InventoryCollector] {
        [
            OperatingSystemCollector(environment: environment),
            DMICollector(environment: environment),
            VirtualizationCollector(environment: environment),
            CPUCollector(environment: environment),
            MemoryCollector(environment: environment),
            StorageCollector(environment: environment),
            VolumeCollector(environment: environment),
            NetworkCollector(environment: environment),
            DpkgCollector(environment: environment),
            RPMCollector(environment: environment),
            UserCollector(environment: environment),
        ]
    }
}
