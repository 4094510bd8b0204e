import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Walks the backed-up paths depth first on one thread: records directories, links and
/// special files itself, reuses unchanged files against the base snapshot, and queues the
/// other regular files for the workers.
struct ArchiveWalker {
    let run: ArchiveRun

    /// Walks the plan from `/`; `baseRoot` is the base snapshot's root tree.
    func walk(_ plan: ArchivePlanNode, baseRoot: ObjectID?) {
        let root = run.assembler.root()
        let rootPath: [UInt8] = [UInt8(ascii: "/")]
        if plan.isBackedUp {
            do {
                let status = try ArchiveFileSystem.status(rootPath)
                listDirectory(rootPath, into: root, base: baseRoot, boundary: status.device)
            } catch {
                run.report(.unreadable, path: rootPath, message: error.message)
            }
        } else {
            walkPlan(plan, path: rootPath, into: root, base: baseRoot)
        }
        finishListing(root)
    }

    /// The directories above backed-up paths: only the planned entries, metadata followed
    /// through symbolic links (`/var/run/x` saves `/run`'s metadata as the directory `run`).
    private func walkPlan(_ plan: ArchivePlanNode, path: [UInt8], into directory: ArchiveDirectory, base: ObjectID?) {
        let baseEntries = baseEntries(base)
        for child in plan.children {
            if run.pollStop() { return }
            let childPath = ArchivePathPlan.child(path, child.name)
            let name = Data(child.name)
            if child.isBackedUp {
                archiveEntry(name: child.name, path: childPath, into: directory, base: baseEntries[name], boundary: nil)
                continue
            }
            let status: ArchiveFileStatus
            do {
                status = try ArchiveFileSystem.status(childPath)
            } catch {
                run.report(.unreadable, path: childPath, message: error.message)
                continue
            }
            let node = status.node(name: name, type: .dir, owners: run.owners, xattrs: attributes(childPath))
            let subdirectory = run.assembler.open(node, in: directory)
            let baseChild = baseEntries[name]
            walkPlan(child, path: childPath, into: subdirectory, base: baseChild?.type == .dir ? baseChild?.subtree : nil)
            finishListing(subdirectory)
        }
    }

    /// Lists a directory's entries into `directory`.
    private func listDirectory(
        _ path: [UInt8], into directory: ArchiveDirectory, base: ObjectID?, boundary: UInt64
    ) {
        run.setCurrentPath(path)
        var names: [[UInt8]]
        do {
            names = try run.listDirectory(path)
        } catch {
            // Deleted since it was examined: nothing was there to lose.
            if error.code == ENOENT { return }
            run.report(
                .unreadable, path: path,
                message: "\(error.message); the directory is saved without its entries")
            return
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        let baseEntries = baseEntries(base)
        for name in names {
            if run.pollStop() { return }
            archiveEntry(
                name: name, path: ArchivePathPlan.child(path, name), into: directory, base: baseEntries[Data(name)],
                boundary: boundary)
        }
    }

    /// One entry: a backed-up path (`boundary` nil: its own device is the boundary below it)
    /// or an entry of a listed directory.
    private func archiveEntry(
        name: [UInt8], path: [UInt8], into directory: ArchiveDirectory, base: Node?, boundary: UInt64?
    ) {
        let status: ArchiveFileStatus
        do {
            status = try ArchiveFileSystem.linkStatus(path)
        } catch {
            // Deleted since the directory was listed: nothing to save, nothing lost.
            if error.code != ENOENT { run.report(.unreadable, path: path, message: error.message) }
            return
        }
        if run.excludes.excludes(name: name, path: path) { return }
        guard let type = status.nodeType else {
            run.report(.unreadable, path: path, message: "unknown file type (mode \(String(status.mode, radix: 8)))")
            return
        }
        let nodeName = Data(name)
        switch type {
        case .file:
            run.fileFound(size: status.size)
            if ArchiveChangeRule.isUnchanged(status, base: base, isStored: run.hasContent(of:)), let base {
                var node = status.node(name: nodeName, type: .file, owners: run.owners, xattrs: attributes(path))
                node.content = base.content
                node.contentSHA256 = base.contentSHA256
                node.sparse = base.sparse
                run.assembler.add(node, to: directory)
                run.fileDone(size: status.size)
                return
            }
            run.assembler.expectEntry(in: directory)
            let job = ArchiveFileJob(path: path, name: nodeName, size: status.size, directory: directory, base: base)
            if !run.queue.push(job) { return }
        case .dir:
            var node = status.node(name: nodeName, type: .dir, owners: run.owners, xattrs: attributes(path))
            let device = boundary ?? status.device
            guard
                ArchiveFileSystemBoundary.descends(
                    directoryDevice: status.device, backedUpPathDevice: device, oneFileSystem: run.oneFileSystem)
            else {
                do {
                    node.subtree = try run.assembler.emptyTree()
                } catch {
                    run.fail(.wrapping(error))
                    return
                }
                run.assembler.add(node, to: directory)
                return
            }
            let subdirectory = run.assembler.open(node, in: directory)
            listDirectory(path, into: subdirectory, base: base?.type == .dir ? base?.subtree : nil, boundary: device)
            finishListing(subdirectory)
        case .symlink:
            var node = status.node(name: nodeName, type: .symlink, owners: run.owners, xattrs: attributes(path))
            do {
                let target = try ArchiveFileSystem.readLink(path, sizeHint: status.size)
                node.target = target
                node.size = UInt64(target.count)
            } catch {
                if error.code != ENOENT { run.report(.unreadable, path: path, message: error.message) }
                return
            }
            run.assembler.add(node, to: directory)
        case .fifo, .chardev, .blockdev, .socket:
            run.assembler.add(
                status.node(name: nodeName, type: type, owners: run.owners, xattrs: attributes(path)), to: directory)
        }
    }

    /// The walker is done with `directory`; if its entries are all in, a worker saves its tree.
    private func finishListing(_ directory: ArchiveDirectory) {
        guard run.assembler.finishListing(directory) else { return }
        let run = run
        run.queue.push(job: {
            do throws(RepositoryError) {
                try run.assembler.save(directory)
            } catch {
                run.fail(.wrapping(error))
            }
        })
    }

    /// The base tree's entries by name, and the base trees of its subdirectories requested
    /// ahead, for when the walk reaches them.
    private func baseEntries(_ tree: ObjectID?) -> [Data: Node] {
        let entries = run.baseTrees.take(tree)
        let subtrees = entries.values.compactMap { $0.type == .dir ? $0.subtree : nil }
        if !subtrees.isEmpty { run.baseTrees.prefetch(subtrees, queue: run.queue) }
        return entries
    }

    /// The entry's extended attributes; a failure is an issue, the entry is saved without them.
    private func attributes(_ path: [UInt8]) -> [ExtendedAttribute]? {
        do {
            return try ArchiveFileSystem.extendedAttributes(path)
        } catch {
            run.report(.attributesUnreadable, path: path, message: error.message)
            return nil
        }
    }
}
