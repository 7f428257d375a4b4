#pragma once

#include "connect/profile.h"
#include "pg/pgconnection.h"

#include <QHash>
#include <QStringList>

namespace vigil::cli {

// What a subcommand talks to, and the passwords it found for it (memory only).
struct Target
{
    Profile profile;
    QHash<QString, QString> passwords;
};

// Takes the target options out of `args` (leaving the subcommand's own): --sandbox-dir D,
// --profile NAME, or --pg CONNINFO [--pg-replica CONNINFO ...] [--pgbouncer CONNINFO]
// [--pgbouncer-admin CONNINFO] [--redis HOST:PORT ...] [--sentinel HOST:PORT,... --master-name NAME].
// Returns false with a message an operator can act on.
bool takeTarget(QStringList* args, Target* target, QString* error);

// Opens a session to the target's current PostgreSQL primary (roles move with failovers, so each
// node is asked); *node names it. False with a diagnosis of every node that failed.
bool openPrimary(const Target& target, pg::Connection* conn, QString* node, QString* error);

// Removes `--name VALUE` (or --name=VALUE) from args; returns all values in order.
QStringList takeOption(QStringList* args, const QString& name, QString* error);
// Removes a flag (--json); true if it was there.
bool takeFlag(QStringList* args, const QString& name);

} // namespace vigil::cli
