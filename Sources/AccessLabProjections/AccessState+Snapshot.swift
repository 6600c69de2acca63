import AccessLabEvents

extension AccessState {
    /// The state in canonical form.
    public var snapshot: StateSnapshot {
        StateSnapshot(
            seq: seq, time: time,
            identityCenter: Self.snapshot(identityCenter), idp: Self.snapshot(idp),
            organization: OrganizationSnapshot(
                accounts: organization.accounts.values.sorted { $0.accountId < $1.accountId }.map {
                    .init(accountId: $0.accountId, name: $0.name, parentId: $0.parentId, isManagementAccount: $0.isManagementAccount,
                          createdAt: $0.createdAt)
                },
                organizationalUnits: organization.organizationalUnits.values.sorted { $0.ouId < $1.ouId }.map {
                    .init(ouId: $0.ouId, name: $0.name, parentId: $0.parentId)
                },
                serviceControlPolicies: organization.serviceControlPolicies.values.sorted { $0.policyId < $1.policyId }.map { p in
                    .init(policyId: p.policyId, name: p.name, content: p.content,
                          targets: organization.attachments.keys.sorted().filter { organization.attachments[$0]?.contains(p.policyId) == true })
                },
                resourceControlPolicies: organization.resourceControlPolicies.values.sorted { $0.policyId < $1.policyId }.map { p in
                    .init(policyId: p.policyId, name: p.name, content: p.content,
                          targets: organization.rcpAttachments.keys.sorted().filter { organization.rcpAttachments[$0]?.contains(p.policyId) == true })
                }),
            permissionSets: permissionSets.values.sorted { $0.permissionSetId < $1.permissionSetId }.map {
                PermissionSetSnapshot(permissionSetId: $0.permissionSetId, name: $0.name, sessionDuration_s: $0.sessionDuration.ms / 1000,
                                      version: $0.version, managedPolicyArns: $0.managedPolicyArns,
                                      customerManagedPolicies: $0.customerManagedPolicies, inlinePolicy: $0.inlinePolicy,
                                      permissionsBoundaryArn: $0.permissionsBoundary?.managedPolicyArn,
                                      permissionsBoundaryReference: $0.permissionsBoundary?.customerManagedPolicyReference,
                                      createdAt: $0.createdAt)
            },
            assignments: assignments.keys.sorted().map { key in
                var a = AssignmentSnapshot(accountId: key.target.accountId, permissionSetId: key.target.permissionSetId,
                                           principalType: key.principal.type, principalId: key.principal.id, status: .PROVISIONED)
                switch assignments[key] {
                case .creationInProgress(let id)?: a.status = .IN_PROGRESS; a.requestId = id
                case .deletionInProgress(let id)?: a.status = .DELETE_IN_PROGRESS; a.requestId = id
                case .provisioned(let since)?: a.since = since
                case nil: break
                }
                return a
            },
            roles: roles.keys.sorted().compactMap { k in
                roles[k].map { RoleSnapshot(accountId: k.accountId, permissionSetId: k.permissionSetId, roleName: $0.roleName,
                                            generation: $0.generation, provisionedVersion: $0.provisionedVersion,
                                            assignmentCount: $0.assignmentCount, createdAt: $0.createdAt) }
            },
            roleGenerations: roleGenerations.keys.sorted().map {
                RoleGenerationSnapshot(accountId: $0.accountId, permissionSetId: $0.permissionSetId, generation: roleGenerations[$0] ?? 0)
            },
            portalSessions: portalSessions.keys.sorted().compactMap { portalSessions[$0] }.map {
                PortalSessionSnapshot(sessionId: $0.sessionId, userId: $0.userId, startedAt: $0.startedAt, expiresAt: $0.expiresAt,
                                      deletedAt: $0.deletedAt)
            },
            credentials: credentials.keys.sorted().compactMap { credentials[$0] }.map {
                CredentialSnapshot(credentialId: $0.credentialId, userId: $0.userId, accountId: $0.target.accountId,
                                   permissionSetId: $0.target.permissionSetId, roleName: $0.roleName, sessionId: $0.sessionId,
                                   issuedAt: $0.issuedAt, expiresAt: $0.expiresAt, sessionTags: $0.sessionTags)
            },
            denies: denies.keys.sorted().flatMap { user in
                (denies[user] ?? []).map { DenySnapshot(userId: user, scope: $0.scope, targetId: $0.targetId,
                                                        requestedAt: $0.requestedAt, effectiveAt: $0.effectiveAt) }
            },
            accessControlAttributes: accessControlAttributes,
            resources: resourceTags.keys.sorted().flatMap { account in
                (resourceTags[account] ?? [:]).keys.sorted().map { arn in
                    ResourceSnapshot(accountId: account, arn: arn, tags: resourceTags[account]?[arn] ?? [])
                }
            },
            customerManagedPolicies: customerManagedPolicies.keys.sorted().flatMap { account in
                (customerManagedPolicies[account] ?? [:]).keys.sorted().map {
                    CustomerManagedPolicySnapshot(accountId: account, name: $0, document: customerManagedPolicies[account]?[$0] ?? "")
                }
            })
    }

    private static func snapshot(_ d: Directory) -> DirectorySnapshot {
        DirectorySnapshot(
            users: d.users.keys.sorted().compactMap { d.users[$0] }.map {
                .init(userId: $0.userId, attributes: $0.attributes, status: $0.status, statusSince: $0.statusSince, groups: $0.groups.sorted())
            },
            groups: d.groups.values.sorted { $0.groupId < $1.groupId }.map {
                .init(groupId: $0.groupId, displayName: $0.displayName, members: $0.members.sorted())
            })
    }

    /// Rebuilds the state a snapshot was taken of.
    public init(snapshot s: StateSnapshot) {
        self.init()
        seq = s.seq
        time = s.time
        identityCenter = Self.directory(s.identityCenter)
        idp = Self.directory(s.idp, sharing: (s.identityCenter, identityCenter))
        for a in s.organization.accounts {
            organization.accounts[a.accountId] = .init(accountId: a.accountId, name: a.name, parentId: a.parentId,
                                                       isManagementAccount: a.isManagementAccount, createdAt: a.createdAt)
        }
        for u in s.organization.organizationalUnits { organization.organizationalUnits[u.ouId] = .init(ouId: u.ouId, name: u.name, parentId: u.parentId) }
        for p in s.organization.serviceControlPolicies {
            organization.serviceControlPolicies[p.policyId] = CreateServiceControlPolicy(policyId: p.policyId, name: p.name, content: p.content)
        }
        for p in s.organization.serviceControlPolicies {
            for t in p.targets { organization.attachments[t, default: []].append(p.policyId) }
        }
        for t in organization.attachments.keys { organization.attachments[t]?.sort()
        }
        for p in s.organization.resourceControlPolicies {
            organization.resourceControlPolicies[p.policyId] = CreateResourceControlPolicy(policyId: p.policyId, name: p.name, content: p.content)
            for t in p.targets { organization.rcpAttachments[t, default: []].append(p.policyId) }
        }
        for t in organization.rcpAttachments.keys { organization.rcpAttachments[t]?.sort() }
        for p in s.permissionSets {
            var boundary: PutPermissionsBoundaryToPermissionSet?
            if p.permissionsBoundaryArn != nil || p.permissionsBoundaryReference != nil {
                boundary = PutPermissionsBoundaryToPermissionSet(permissionSetId: p.permissionSetId, managedPolicyArn: p.permissionsBoundaryArn,
                                                                 customerManagedPolicyReference: p.permissionsBoundaryReference)
            }
            permissionSets[p.permissionSetId] = PermissionSetState(
                permissionSetId: p.permissionSetId, name: p.name, sessionDuration: .seconds(p.sessionDuration_s), version: p.version,
                managedPolicyArns: p.managedPolicyArns, customerManagedPolicies: p.customerManagedPolicies,
                inlinePolicy: p.inlinePolicy, permissionsBoundary: boundary, createdAt: p.createdAt)
        }
        assignments.reserveCapacity(s.assignments.count)
        for a in s.assignments {
            let key = AssignmentKey(target: AccountPermissionSet(a.accountId, a.permissionSetId), principal: Principal(a.principalType, a.principalId))
            switch a.status {
            case .IN_PROGRESS: assignments[key] = .creationInProgress(requestId: a.requestId ?? "")
            case .DELETE_IN_PROGRESS: assignments[key] = .deletionInProgress(requestId: a.requestId ?? "")
            case .PROVISIONED:
                assignments[key] = .provisioned(since: a.since ?? Instant(ms: 0))
                // The snapshot lists assignments by target, so each principal's targets come in order:
                // inserting in order appends.
                if grants[key.principal, default: []].insert(key.target).inserted { sortedGrants[key.principal, default: []].insertSorted(key.target) }
            }
        }
        roles.reserveCapacity(s.roles.count)
        for r in s.roles {
            roles[AccountPermissionSet(r.accountId, r.permissionSetId)] = ProvisionedRole(
                roleName: r.roleName, generation: r.generation, provisionedVersion: r.provisionedVersion,
                assignmentCount: r.assignmentCount, createdAt: r.createdAt)
        }
        roleGenerations.reserveCapacity(s.roleGenerations.count)
        for g in s.roleGenerations { roleGenerations[AccountPermissionSet(g.accountId, g.permissionSetId)] = g.generation }
        for p in s.portalSessions {
            portalSessions[p.sessionId] = PortalSession(sessionId: p.sessionId, userId: p.userId, startedAt: p.startedAt,
                                                        expiresAt: p.expiresAt, deletedAt: p.deletedAt)
            portalSessionsByUser[p.userId, default: []].insert(p.sessionId)
        }
        credentials.reserveCapacity(s.credentials.count)
        for c in s.credentials {
            credentials[c.credentialId] = RoleCredential(
                credentialId: c.credentialId, userId: c.userId, target: AccountPermissionSet(c.accountId, c.permissionSetId),
                roleName: c.roleName, sessionId: c.sessionId, issuedAt: c.issuedAt, expiresAt: c.expiresAt, sessionTags: c.sessionTags)
            credentialsByUser[c.userId, default: []].insert(c.credentialId)
        }
        for d in s.denies {
            denies[d.userId, default: []].append(UserDeny(scope: d.scope, targetId: d.targetId, requestedAt: d.requestedAt, effectiveAt: d.effectiveAt))
        }
        accessControlAttributes = s.accessControlAttributes
        for r in s.resources { resourceTags[r.accountId, default: [:]][r.arn] = r.tags }
        for p in s.customerManagedPolicies { customerManagedPolicies[p.accountId, default: [:]][p.name] = p.document }
    }

    /// `sharing`: the other directory's snapshot and what it was rebuilt into. A user listed there with the
    /// same groups gets the same set (the IdP and Identity Center mostly agree), which spares building it
    /// and lets comparing the two directories' sets stop at their shared storage.
    private static func directory(_ d: DirectorySnapshot, sharing other: (snapshot: DirectorySnapshot, directory: Directory)? = nil) -> Directory {
        var out = Directory()
        out.users.reserveCapacity(d.users.count)
        let otherUsers = other?.snapshot.users ?? []
        var j = 0
        for u in d.users {
            // Both lists are sorted by user id.
            while j < otherUsers.count, otherUsers[j].userId < u.userId { j += 1 }
            var groups: Set<String>
            if j < otherUsers.count, otherUsers[j].userId == u.userId, otherUsers[j].groups == u.groups,
               let same = other?.directory.users[u.userId]?.groups {
                groups = same
            } else {
                groups = Set(u.groups)
            }
            out.users[u.userId] = DirectoryUser(userId: u.userId, attributes: u.attributes, status: u.status, statusSince: u.statusSince,
                                                groups: groups)
        }
        out.groups.reserveCapacity(d.groups.count)
        for g in d.groups { out.groups[g.groupId] = DirectoryGroup(groupId: g.groupId, displayName: g.displayName, members: Set(g.members)) }
        return out
    }
}

extension AccessState {
    /// The compact binary form stored in the log's snapshot database (generated code).
    public func encodedSnapshot() throws -> [UInt8] {
        var writer = ByteWriter(capacity: 1 << 16)
        snapshot.compactEncode(into: &writer)
        return writer.bytes
    }

    /// The same bytes through the Codable reference encoder (what the generated code is tested against).
    public func encodedSnapshotWithCodable() throws -> [UInt8] { try CompactCodec.encode(snapshot) }

    /// Rebuilds a state from `encodedSnapshot()` bytes; malformed bytes throw.
    public init(encodedSnapshot bytes: [UInt8]) throws {
        let s = try bytes.withUnsafeBytes { raw throws -> StateSnapshot in
            var reader = ByteReader(raw)
            let s = try StateSnapshot(compact: &reader)
            guard reader.isAtEnd else { throw ByteReaderError(offset: reader.offset, problem: "\(reader.remaining) trailing bytes") }
            return s
        }
        guard s.format == StateSnapshot.currentFormat else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "snapshot format \(s.format), this build reads \(StateSnapshot.currentFormat)"))
        }
        self.init(snapshot: s)
    }
}
