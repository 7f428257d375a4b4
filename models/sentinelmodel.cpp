#include "sentinelmodel.h"
#include "statuscolors.h"

#include <QBrush>

namespace vigil {

namespace {
const FlatTableModel::ColumnText kColumns[] = {
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Sentinel"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel", "Sentinel node of the profile")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Address"), QT_TRANSLATE_NOOP("vigil::SentinelModel", "HOST:PORT")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Known masters"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel", "SENTINEL MASTERS: every master this Sentinel monitors, name@address")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Master"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel",
                       "SENTINEL GET-MASTER-ADDR-BY-NAME: the master this Sentinel names now (all should agree)")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Master flags"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel",
                       "SENTINEL MASTER flags: master, s_down (this Sentinel thinks it is down), o_down (quorum "
                       "agrees), failover_in_progress ...")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Quorum"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel",
                       "SENTINEL CKQUORUM answer: whether enough Sentinels are reachable to agree and authorise a "
                       "failover; the configured quorum in brackets")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Replicas"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel", "SENTINEL REPLICAS: known replicas with their flags and link status")},
    {QT_TRANSLATE_NOOP("vigil::SentinelModel", "Other Sentinels"),
     QT_TRANSLATE_NOOP("vigil::SentinelModel", "SENTINEL SENTINELS: the other Sentinels it knows, with their flags")},
};
static_assert(std::size(kColumns) == SentinelModel::ColumnCount, "one header per column");

QString peersText(const QList<SentinelPeer>& peers)
{
    QStringList parts;
    for (const SentinelPeer& p : peers)
        parts << (p.linkStatus.isEmpty() ? QStringLiteral("%1 (%2)").arg(p.address, p.flags)
                                         : QStringLiteral("%1 (%2, link %3)").arg(p.address, p.flags, p.linkStatus));
    return parts.join(QStringLiteral(", "));
}
} // namespace

SentinelModel::SentinelModel(QObject* parent)
    : KeyedTableModel(kColumns, parent)
{
}

QVariant SentinelModel::cell(const SentinelRow& r, int column, int role) const
{
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (column) {
        case SentinelColumn:
            return r.node;
        case AddressColumn:
            return r.address;
        case KnownMastersColumn:
            return r.view.knownMasters.join(QStringLiteral(", "));
        case MasterColumn:
            return r.reachable ? r.master : tr("down");
        case FlagsColumn:
            return r.view.masterFlags;
        case QuorumColumn:
            if (!r.reachable)
                return {};
            return tr("%1 (quorum %2)").arg(r.view.ckquorum).arg(r.view.quorum);
        case ReplicasColumn:
            return role == SortRole ? QVariant(int(r.view.replicas.size())) : QVariant(peersText(r.view.replicas));
        case SentinelsColumn:
            return role == SortRole ? QVariant(int(r.view.sentinels.size())) : QVariant(peersText(r.view.sentinels));
        default:
            return {};
        }
    }
    if (role == AttentionRole)
        return !r.reachable || !r.quorumOk;
    if (role == Qt::ForegroundRole && column == QuorumColumn)
        return statusBrush(r.quorumOk ? StatusLevel::Ok : StatusLevel::Fail);
    return {};
}

} // namespace vigil
