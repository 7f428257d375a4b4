#pragma once

#include "drillresult.h"
#include "store/auditlog.h"

#include <QHash>

namespace vigil::drills {

// Every step of a drill in the audit log as it starts and ends (action "drill-step", the step
// name as the command, its outcome and what it saw as the detail), beside the drill's own entry:
// what a drill did to the servers stays on record step by step, even when it is cut short.
// Call step() on the thread that owns the AuditLog.
class DrillAudit
{
public:
    DrillAudit(store::AuditLog* audit, QString profile, QString node)
        : m_audit(audit)
        , m_profile(std::move(profile))
        , m_node(std::move(node))
    {
    }

    void step(const DrillStep& s)
    {
        if (!m_audit)
            return;
        if (s.state == DrillStep::State::Running) {
            store::AuditEntry e;
            e.profile = m_profile;
            e.node = m_node;
            e.action = QStringLiteral("drill-step");
            e.command = s.name;
            m_running.insert(s.name, m_audit->begin(e));
        } else if (m_running.contains(s.name)) {
            m_audit->finish(m_running.take(s.name), s.ok(), s.detail);
        }
    }

private:
    store::AuditLog* m_audit;
    QString m_profile, m_node;
    QHash<QString, qint64> m_running;
};

} // namespace vigil::drills
