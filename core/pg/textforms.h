// Sessions that print values on one server for another to read back (text COPY, the change
// stream, the applier) or that hash values' text on both sides (verification) must not depend on
// either server's defaults: every float digit (9.6-11 print 15 by default), ISO dates ('01/02/2026'
// under "SQL, DMY" is January 2 under MDY), one interval style, money under "C" (the same amount in
// every locale; 'de_DE' prints '1.234,50 €', which a session under 'en_US' cannot read). The same
// settings pg_dump uses, plus money. One list, as SET statements or as connection options.
#pragma once

#include <QString>
#include <QStringList>

namespace pgferry::pg {

inline QStringList exactTextFormSettings()
{
    return {QStringLiteral("datestyle=ISO"), QStringLiteral("intervalstyle=postgres"),
            QStringLiteral("extra_float_digits=3"), QStringLiteral("lc_monetary=C")};
}

// "SET datestyle = 'ISO'; SET …", for a session that is open already.
inline QString exactTextFormsSql()
{
    QStringList sets;
    for (const QString &s : exactTextFormSettings()) {
        const qsizetype eq = s.indexOf(u'=');
        sets << QStringLiteral("SET %1 = '%2'").arg(s.left(eq), s.mid(eq + 1));
    }
    return sets.join(QStringLiteral("; "));
}

// "-c datestyle=ISO -c …", for the libpq `options` of a connection about to open.
inline QString exactTextFormsOptions()
{
    return QStringLiteral("-c ") + exactTextFormSettings().join(QStringLiteral(" -c "));
}

} // namespace pgferry::pg
