import Foundation
import ParcCore
import Vapor

extension Request {
    /// An address problem in the user's language, for the inventory configuration pages (the API keeps ParcCore's
    /// English message).
    func describe(_ error: IPAddressError) -> String {
        func quote(_ text: String) -> String { text.count > 64 ? String(text.prefix(64)) + "…" : text }
        return switch error {
        case .empty:
            t("inventory.ip_error.empty")
        case .tooLong(let length, let limit):
            t("inventory.ip_error.too_long", String(length), String(limit))
        case .invalidAddress(let text, _):
            t("inventory.ip_error.invalid_address", quote(text))
        case .invalidPrefixLength(let text, let maximum):
            t("inventory.ip_error.prefix_length", quote(text), String(maximum))
        case .hostBitsSet(let text, let network):
            t("inventory.ip_error.host_bits", quote(text), network)
        case .mixedFamilies(let text):
            t("inventory.ip_error.mixed_families", quote(text))
        case .reversedRange(let text):
            t("inventory.ip_error.reversed", quote(text))
        case .tooManyRanges(let count, let limit):
            t("inventory.ip_error.too_many", String(count), String(limit))
        }
    }

    /// A dictionary problem in the user's language; a refused regular expression keeps the linear-time engine's
    /// own explanation (position and problem).
    func describe(_ error: SoftwareDictionaryError) -> String {
        func field(_ name: String) -> String { t(name == "publisher" ? "inventory.dictionary.field.publisher" : "inventory.dictionary.field.name") }
        return switch error {
        case .tooManyRules(let count):
            t("inventory.dictionary.error.too_many", String(count), String(SoftwareDictionary.maximumRuleCount))
        case .emptyPattern(let rule, let name):
            t("inventory.dictionary.error.empty_pattern", String(rule), field(name))
        case .patternTooLong(let rule, let name, let length):
            t("inventory.dictionary.error.pattern_too_long", String(rule), field(name), String(length),
              String(SoftwareDictionary.maximumPatternLength))
        case .invalidRegularExpression(let rule, let name, let reason):
            t("inventory.dictionary.error.regex", String(rule), field(name), reason)
        case .emptyRename(let rule):
            t("inventory.dictionary.error.empty_rename", String(rule))
        case .renameTooLong(let rule, let length):
            t("inventory.dictionary.error.rename_too_long", String(rule), String(length),
              String(SoftwareDictionary.maximumRenameLength))
        }
    }
}
