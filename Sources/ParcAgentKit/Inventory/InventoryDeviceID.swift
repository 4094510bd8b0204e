import Foundation

/// The device id every inventory of this machine carries (`<host name>-YYYY-MM-DD-HH-MM-SS`, the form agents
/// use), chosen at the first inventory and kept in `device-id` in the state directory: one line of text, so that
/// `parc-agent inventory --output` reads it without decoding the daemon's state.
public enum InventoryDeviceID {
    /// The kept id, else a new one, kept when the directory can be written (a user without a writable state
    /// directory gets a new id each time, which matters only to a server).
    public static func load(stateDirectory: String, environment: InventoryEnvironment) -> String {
        let path = stateDirectory + "/device-id"
        if let kept = environment.files.bytes(path).flatMap({ InventoryText.clean(bytes: $0) }) { return kept }
        let id = LocalInventory.newDeviceID(hostName: environment.kernel.hostName, at: environment.localNow)
        try? AgentFiles.writePrivate(Data((id + "\n").utf8), to: path)
        return id
    }
}
