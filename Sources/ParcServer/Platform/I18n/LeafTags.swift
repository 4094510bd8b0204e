import Foundation
import Leaf
import LeafKit
import ParcCore
import Fluent
import Vapor

/// `#t("key")` or `#t("key", arg0, arg1)`: a text from the catalogue in the request's language.
/// The result is HTML-escaped like every other Leaf output.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw LeafError(.unknownError("#t() needs a key"))
        }
        let arguments = ctx.parameters.dropFirst().map { $0.string ?? "" }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.parc.catalog.text(key, request.language, Array(arguments)))
    }
}

/// `#datetime(date)`: a date in the user's time zone and language.
struct DateTimeTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let request = ctx.request else { return .string("") }
        guard let first = ctx.parameters.first, let seconds = first.double else { return .string("—") }
        return .string(request.formatDateTime(Date(timeIntervalSince1970: seconds)))
    }
}

/// `#number(n)`: an integer with the language's grouping (1 234 in French).
struct NumberTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let request = ctx.request, let value = ctx.parameters.first?.int else { return .string("") }
        return .string(ParcFormat.number(value, language: request.language))
    }
}

/// `#if(present(x)):` — true for a non-empty array, dictionary or string, a true boolean or a
/// non-zero number; false for nil. Leaf's own `#if(x)` treats empty collections as true.
struct PresentTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let value = ctx.parameters.first, !value.isNil else { return .bool(false) }
        switch value.celf {
        case .array: return .bool(!(value.array ?? []).isEmpty)
        case .dictionary: return .bool(!(value.dictionary ?? [:]).isEmpty)
        case .string: return .bool(!(value.string ?? "").isEmpty)
        case .bool: return .bool(value.bool ?? false)
        case .int: return .bool((value.int ?? 0) != 0)
        case .double: return .bool((value.double ?? 0) != 0)
        default: return .bool(true)
        }
    }
}
