#pragma once

#include "connect/profile.h"

#include <QString>

namespace vigil::test {

// The sandbox the ctest fixture started (VIGIL_TEST_SANDBOX_DIR); QSKIP-free: fails loudly when
// the fixture did not run, because a silently skipped live test hides a broken set-up.
QString sandboxDir();
// The fixture sandbox as a profile (current topology).
Profile sandboxProfile();
// The sandbox's current PostgreSQL primary and the other nodes (roles move with failovers, so
// each node is asked, through the same cli::openPrimary the subcommands use). Fatal when none.
PgNode primaryNode();
QList<PgNode> replicaNodes();

// The port of a key=value conninfo (0 when it names none).
int portOf(const QString& conninfo);
// pgbench's tables (`pgbench -i -q -s SCALE`) in a database of their own on the node at
// `conninfo`, created when missing, so the trading schema stays as seeded. False with *error.
bool initPgbenchDatabase(const QString& conninfo, const QString& database, int scale, QString* error);

// Where tests write screenshots and other artefacts for people to look at.
QString outputDir();
// Path of the built vigil executable.
QString vigilBinary();

} // namespace vigil::test

// Case-insensitive "message contains these words", printing the message when it does not.
#define VERIFY_CONTAINS(text, words)                                                                                   \
    QVERIFY2(QString(text).contains(words, Qt::CaseInsensitive),                                                       \
             qPrintable(QStringLiteral("\"%1\" lacks \"%2\"").arg(text, words)))
