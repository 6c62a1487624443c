#include "workload.h"

#include "pg/connection.h"

#include <QDateTime>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

namespace pgferry::test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxAttempts = 6;     // per transaction, for deadlocks and serialization failures
constexpr int kMaxErrorsKept = 200; // beyond that only a count is kept

// Rows changed by one transaction, merged into the totals only when it commits.
struct Tally
{
    qint64 inserts = 0, updates = 0, deletes = 0, truncates = 0, nextvals = 0;
};

// What a writer knows about the rows it created itself (only it may delete them).
struct Owned
{
    std::vector<qint64> customers; // traps: "Weird ""Schema""".customers ids
    std::vector<qint64> documents; // traps: public.documents ids
    std::vector<qint64> rentals;   // pagila: rentals without payments
};

class Writer;
using OpFn = std::function<bool(Writer &)>; // true when the transaction changed something

struct Op
{
    QString name;
    OpFn fn;
    bool firstWriterOnly = false; // e.g. TRUNCATE: one writer, every few rounds
};

class Writer
{
public:
    Writer(int index, int count, quint64 seed)
        : index(index), count(count), rng(seed * 1000003ULL + quint64(index))
    {}

    int index;
    int count;
    std::mt19937_64 rng;
    pg::Connection conn;
    Tally tally;
    Owned owned;   // committed state
    Owned pending; // state as of the open transaction

    qint64 uniform(qint64 lo, qint64 hi) { return std::uniform_int_distribution<qint64>(lo, hi)(rng); }
    bool chance(int percent) { return uniform(0, 99) < percent; }
    template<typename T> const T &pick(const std::vector<T> &v)
    {
        return v[size_t(uniform(0, qint64(v.size()) - 1))];
    }

    // A key among first, first+step, ... (count keys) that this writer owns: key index % writers == index.
    // Writers never touch each other's rows, so single-row statements cannot deadlock.
    qint64 ownedKey(qint64 first, qint64 keys, qint64 step = 1)
    {
        if (index >= keys)
            return first; // more writers than keys: share the first one
        const qint64 slots = (keys - 1 - index) / count + 1;
        return first + step * (index + qint64(count) * uniform(0, slots - 1));
    }

    qint64 exec(qint64 Tally::*counter, const QString &sql, const pg::Params &params = {})
    {
        const qint64 n = conn.exec(sql, params).affectedRows();
        if (counter)
            tally.*counter += n;
        return n;
    }
    qint64 value(const QString &sql, const pg::Params &params = {})
    {
        return conn.exec(sql, params).toInt(0, 0);
    }
    qint64 nextval(const QString &sequence)
    {
        ++tally.nextvals;
        return value(QStringLiteral("SELECT nextval($1::regclass)"), {sequence});
    }
};

QString timestampText(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss+00"));
}

// ----------------------------------------------------------------------------------------------
// traps profile (tests/fixtures/traps.sql)
// ----------------------------------------------------------------------------------------------
const QString kOrderItems = QStringLiteral(R"("Weird ""Schema"""."Order Items")");
const QString kCustomers = QStringLiteral(R"("Weird ""Schema""".customers)");
const QString kMood = QStringLiteral(R"("Weird ""Schema"""."Mood")");
const std::vector<QString> kMoods{QStringLiteral("sad"),        QStringLiteral("ok"),
                                  QStringLiteral("happy"),      QStringLiteral("ünï"),
                                  QStringLiteral("with space"), QStringLiteral("quote's")};
const std::vector<QString> kRegions{QStringLiteral("eu"), QStringLiteral("us"), QStringLiteral("apac"),
                                    QStringLiteral("Ünïon")};
const std::vector<QString> kKinds{QStringLiteral("click"), QStringLiteral("view"),
                                  QStringLiteral("impression"), QStringLiteral("scroll"),
                                  QStringLiteral("Ünïcødé")};
const std::vector<QString> kTexts{QStringLiteral("Grüße ☃"),     QStringLiteral("日本語"),
                                  QStringLiteral("tab\there"),   QStringLiteral("quote ' and \" both"),
                                  QStringLiteral("back\\slash"), QString()};
constexpr qint64 kOrderItemsFirst = 1000, kOrderItemsStep = 5, kOrderItemsRows = 10000;

bool orderInsert(Writer &w, qint64 customer)
{
    const QString text = w.pick(kTexts);
    w.exec(
        &Tally::inserts,
        QStringLiteral(
            R"(INSERT INTO %1 ("select", "Ünïcødé", "semi;colon", customer_id, mood, qty, price, "UPPER lower")
                             VALUES ($1, $2, $3, $4, $5::%2, $6, $7::numeric, $8))")
            .arg(kOrderItems, kMood),
        {w.chance(10) ? pg::Param() : pg::Param(QStringLiteral("from where %1").arg(w.uniform(0, 99999))),
         text.isNull() ? pg::Param() : pg::Param(text), int(w.uniform(0, 96)), customer, w.pick(kMoods),
         int(w.uniform(1, 50)), QString::number(double(w.uniform(0, 99999)) / 100.0, 'f', 2),
         w.chance(50) ? QStringLiteral("Ab") : QStringLiteral("aB")});
    return true;
}

qint64 measurementMove(Writer &w)
{
    // Another date and region: the row usually leaves its leaf (2023 halves, 2024 list leaves, default).
    return w.exec(
        &Tally::updates,
        QStringLiteral(
            "UPDATE public.measurements SET ts = date '2022-10-01' + $2::int, region = $3 WHERE id = $1"),
        {w.ownedKey(1, 12000), int(w.uniform(0, 899)), w.pick(kRegions)});
}

// A row of dup_rows that has an identical twin, owned by this writer: touch exactly one of them.
const QString kOneDuplicate = QStringLiteral(
    "(SELECT d.ctid FROM public.dup_rows d WHERE d.a = $1 AND EXISTS (SELECT 1 FROM public.dup_rows e "
    "WHERE e.a = d.a AND e.b IS NOT DISTINCT FROM d.b AND e.c IS NOT DISTINCT FROM d.c "
    "AND e.d IS NOT DISTINCT FROM d.d AND e.ctid <> d.ctid) LIMIT 1)");

qint64 dupUpdateOne(Writer &w)
{
    return w.exec(&Tally::updates,
                  QStringLiteral("UPDATE public.dup_rows SET c = c + 1 WHERE ctid = %1").arg(kOneDuplicate),
                  {w.ownedKey(0, 200)});
}

const QString kAllTypesColumns = QStringLiteral(
    "b, i2, i8, f4, f8, n, n_fixed, c, vc, qc, nm, by, d, t, tz, ts, tstz, iv, u, j, jb, x, ip, net, mac, "
    "bits, tsv, pt, "
    "bx, r_int, r_ts, r_num, r_custom, mr, lsn, a_int, a_text, a_2d, a_mood, comp, a_comp, dom, a_dom");

std::vector<Op> trapsOps()
{
    std::vector<Op> ops;
    ops.push_back(
        {QStringLiteral("order_insert"), [](Writer &w) { return orderInsert(w, w.uniform(1, 2000)); }});
    ops.push_back(
        {QStringLiteral("order_update"), [](Writer &w) {
             return w.exec(&Tally::updates,
                           QStringLiteral(R"(UPDATE %1 SET qty = qty + 1, "Ünïcødé" = $2 WHERE id = $1)")
                               .arg(kOrderItems),
                           {w.ownedKey(kOrderItemsFirst, kOrderItemsRows, kOrderItemsStep), w.pick(kTexts)}) >
                    0;
         }});
    ops.push_back({QStringLiteral("order_delete"), [](Writer &w) {
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM %1 WHERE id = $1").arg(kOrderItems),
                                     {w.ownedKey(kOrderItemsFirst, kOrderItemsRows, kOrderItemsStep)}) > 0;
                   }});
    ops.push_back(
        {QStringLiteral("customer_with_orders"), [](Writer &w) {
             // Order lines first, their customer after: only the deferred foreign key allows it.
             w.exec(nullptr, QStringLiteral("SET CONSTRAINTS ALL DEFERRED"));
             const qint64 id = w.nextval(QStringLiteral(R"("Weird ""Schema""".customers_id_seq)"));
             orderInsert(w, id);
             orderInsert(w, id);
             const qint64 referrer = !w.pending.customers.empty() && w.chance(50) ? w.pending.customers.back()
                                                                                  : w.uniform(1, 2000);
             w.exec(&Tally::inserts,
                    QStringLiteral(
                        "INSERT INTO %1 (id, name, email, referred_by, mood) VALUES ($1, $2, $3, $4, $5::%2)")
                        .arg(kCustomers, kMood),
                    {id, QStringLiteral("Workload customer %1 Ñ").arg(id),
                     QStringLiteral("w%1@example.org").arg(id), referrer, w.pick(kMoods)});
             w.pending.customers.push_back(id);
             return true;
         }});
    ops.push_back(
        {QStringLiteral("customer_update"), [](Writer &w) {
             const qint64 id = !w.pending.customers.empty() && w.chance(30) ? w.pick(w.pending.customers)
                                                                            : w.ownedKey(1, 2000);
             return w.exec(&Tally::updates,
                           QStringLiteral(
                               "UPDATE %1 SET mood = $2::%2, name = left(name, 40) || '.' WHERE id = $1")
                               .arg(kCustomers, kMood),
                           {id, w.pick(kMoods)}) > 0;
         }});
    ops.push_back({QStringLiteral("customer_delete"), [](Writer &w) {
                       // Only customers this writer created: cascades to their order lines, sets referrers to
                       // NULL.
                       if (w.pending.customers.empty())
                           return false;
                       const qint64 id = w.pending.customers.front();
                       w.pending.customers.erase(w.pending.customers.begin());
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM %1 WHERE id = $1").arg(kCustomers),
                                     {id}) > 0;
                   }});
    ops.push_back({QStringLiteral("measurement_insert"), [](Writer &w) {
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.measurements (ts, region, value) "
                                             "VALUES (date '2022-10-01' + $1::int, $2, $3::float8)"),
                              {int(w.uniform(0, 899)), w.pick(kRegions),
                               w.chance(10) ? QStringLiteral("NaN")
                                            : QString::number(double(w.uniform(0, 1000000)) / 7.0, 'g', 17)});
                       return true;
                   }});
    ops.push_back(
        {QStringLiteral("measurement_update"), [](Writer &w) {
             return w.exec(&Tally::updates,
                           QStringLiteral("UPDATE public.measurements SET value = value + 0.5 WHERE id = $1"),
                           {w.ownedKey(1, 12000)}) > 0;
         }});
    ops.push_back({QStringLiteral("measurement_move"), [](Writer &w) { return measurementMove(w) > 0; }});
    ops.push_back({QStringLiteral("measurement_delete"), [](Writer &w) {
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.measurements WHERE id = $1"),
                                     {w.ownedKey(1, 12000)}) > 0;
                   }});
    ops.push_back({QStringLiteral("event_insert"), [](Writer &w) {
                       const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.events VALUES ($1::int, $2, "
                                             "jsonb_build_object('n', $1::int, 'ü', $3::text))"),
                              {id, w.pick(kKinds), w.pick(kTexts)});
                       return true;
                   }});
    ops.push_back({QStringLiteral("event_move"), [](Writer &w) {
                       // A new kind moves the row to another list partition (or the default one).
                       return w.exec(
                                  &Tally::updates,
                                  QStringLiteral("UPDATE public.events SET kind = $2, payload = payload || "
                                                 "jsonb_build_object('moved', $2::text) WHERE id = $1"),
                                  {w.ownedKey(1, 6000), w.pick(kKinds)}) > 0;
                   }});
    ops.push_back({QStringLiteral("event_delete"), [](Writer &w) {
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.events WHERE id = $1"),
                                     {w.ownedKey(1, 6000)}) > 0;
                   }});
    ops.push_back(
        {QStringLiteral("document_title_update"), [](Writer &w) {
             // Rows 1-30 hold TOASTed body, blob and meta; this update leaves them unchanged.
             return w.exec(&Tally::updates,
                           QStringLiteral(
                               "UPDATE public.documents SET title = $2, version = version + 1 WHERE id = $1"),
                           {w.ownedKey(1, 30), QStringLiteral("title %1 ✓").arg(w.uniform(0, 1 << 30))}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("document_body_update"), [](Writer &w) {
             return w.exec(&Tally::updates,
                           QStringLiteral("UPDATE public.documents SET body = left(body, 200000) || $2, "
                                          "version = version + 1 WHERE id = $1"),
                           {w.ownedKey(1, 30), QStringLiteral(" appended %1").arg(w.uniform(0, 1 << 30))}) >
                    0;
         }});
    ops.push_back(
        {QStringLiteral("document_insert"), [](Writer &w) {
             const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
             w.exec(&Tally::inserts,
                    QStringLiteral(
                        "INSERT INTO public.documents (id, title, body, blob, meta) SELECT $1::int, 'new ' "
                        "|| $1::int, "
                        "(SELECT string_agg(md5($1 || ':' || s), ' ') FROM generate_series(1, 4000) s), "
                        "decode(md5($1::text), 'hex'), jsonb_build_object('new', true)"),
                    {id});
             w.pending.documents.push_back(id);
             return true;
         }});
    ops.push_back({QStringLiteral("document_delete"), [](Writer &w) {
                       if (w.pending.documents.empty())
                           return false;
                       const qint64 id = w.pending.documents.front();
                       w.pending.documents.erase(w.pending.documents.begin());
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.documents WHERE id = $1"), {id}) > 0;
                   }});
    ops.push_back({QStringLiteral("dup_update_one"), [](Writer &w) { return dupUpdateOne(w) > 0; }});
    ops.push_back(
        {QStringLiteral("dup_delete_one"), [](Writer &w) {
             return w.exec(&Tally::deletes,
                           QStringLiteral("DELETE FROM public.dup_rows WHERE ctid = %1").arg(kOneDuplicate),
                           {w.ownedKey(0, 200)}) > 0;
         }});
    ops.push_back({QStringLiteral("dup_insert"), [](Writer &w) {
                       // Two identical rows, some with NULL and NaN.
                       const qint64 a = w.ownedKey(0, 200);
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.dup_rows SELECT $1::int, CASE WHEN $1 % 10 "
                                             "= 0 THEN NULL ELSE 'dup ' || $1 END, "
                                             "$1 * 1.5 + $2::int, CASE WHEN $1 % 7 = 0 THEN 'NaN'::float8 "
                                             "ELSE $1 END FROM generate_series(1, 2)"),
                              {a, int(w.uniform(0, 3))});
                       return true;
                   }});
    ops.push_back({QStringLiteral("truncate"),
                   [](Writer &w) {
                       w.exec(nullptr, QStringLiteral("TRUNCATE public.truncate_me"));
                       ++w.tally.truncates;
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.truncate_me (v) VALUES ('after truncate')"));
                       return true;
                   },
                   true});
    ops.push_back({QStringLiteral("truncate_me_insert"), [](Writer &w) {
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.truncate_me (v) VALUES ($1)"),
                              {QStringLiteral("writer %1").arg(w.index)});
                       return true;
                   }});
    ops.push_back({QStringLiteral("nextval"), [](Writer &w) {
                       static const std::vector<QString> seqs{
                           QStringLiteral(R"("Weird ""Schema"""."Seq; down")"),
                           QStringLiteral(R"("Weird ""Schema""".seq_large)"),
                           QStringLiteral(R"("Weird ""Schema""".seq_cycle)"),
                           QStringLiteral(R"("Weird ""Schema"""."Ünïcødé seq")")};
                       w.nextval(w.pick(seqs));
                       return true;
                   }});
    ops.push_back({QStringLiteral("all_types_insert"), [](Writer &w) {
                       const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
                       return w.exec(&Tally::inserts,
                                     QStringLiteral("INSERT INTO public.all_types (id, %1) SELECT $1::int, "
                                                    "%1 FROM public.all_types WHERE id = $2::int")
                                         .arg(kAllTypesColumns),
                                     {id, w.ownedKey(0, 2001)}) > 0;
                   }});
    ops.push_back(
        {QStringLiteral("all_types_update"), [](Writer &w) {
             static const std::vector<QString> floats{QStringLiteral("NaN"),       QStringLiteral("Infinity"),
                                                      QStringLiteral("-Infinity"), QStringLiteral("1e38"),
                                                      QStringLiteral("-0"),        QStringLiteral("0.1")};
             static const std::vector<QString> numerics{
                 QStringLiteral("NaN"),
                 QStringLiteral("Infinity"),
                 QStringLiteral("-Infinity"),
                 QStringLiteral("1e1000"),
                 QStringLiteral("-0.000000000000000000000000000001"),
                 QStringLiteral("123456789012345678901234567890.123456789")};
             return w.exec(
                        &Tally::updates,
                        QStringLiteral(
                            R"(UPDATE public.all_types SET f8 = $2::text::float8, f4 = $2::text::real, n = $3::numeric,
                                        jb = coalesce(jb, '{}') || jsonb_build_object('w', $4::text),
                                        a_comp = a_comp[1:3] || ROW($5::float8, 'NaN', NULL)::"Weird ""Schema"""."Point 3D",
                                        x = xmlparse(content '<u>' || $1::int::text || '</u>'), r_int = int4range($1::int, NULL)
                                        WHERE id = $1::int)"),
                        {w.ownedKey(0, 2001), w.pick(floats), w.pick(numerics), w.pick(kTexts),
                         QString::number(w.uniform(-100, 100))}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("unicode_update"), [](Writer &w) {
             return w.exec(
                        &Tally::updates,
                        QStringLiteral(
                            R"(UPDATE "Ünïcødé schema"."Ünïcødé" SET "名前" = $2, "émoji 🚀" = $3 WHERE "ключ" = $1)"),
                        {w.ownedKey(1, 1000), QStringLiteral("имя %1").arg(w.uniform(0, 999)),
                         QStringLiteral("🚀✓")}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("select_insert"), [](Writer &w) {
             const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
             w.exec(
                 &Tally::inserts,
                 QStringLiteral(
                     R"(INSERT INTO public."select" ("from", "where", "user", "order") VALUES ($1, $2, $3, $4::numeric))"),
                 {QStringLiteral("new; row"), int(w.uniform(0, 9)), -id, QStringLiteral("1.5")});
             return true;
         }});
    ops.push_back(
        {QStringLiteral("select_update"), [](Writer &w) {
             // The key is the third column.
             return w.exec(
                        &Tally::updates,
                        QStringLiteral(
                            R"(UPDATE public."select" SET "order" = "order" + 1, "from" = $2 WHERE "user" = $1)"),
                        {w.ownedKey(2, 2000, 2), w.pick(kTexts)}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("vehicle_insert"), [](Writer &w) {
             const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
             switch (w.uniform(0, 2)) {
             case 0:
                 w.exec(&Tally::inserts,
                        QStringLiteral("INSERT INTO public.vehicles VALUES ($1, 'new vehicle')"), {id});
                 break;
             case 1:
                 w.exec(&Tally::inserts, QStringLiteral("INSERT INTO public.cars VALUES ($1, 'new car', 5)"),
                        {id});
                 break;
             default:
                 w.exec(&Tally::inserts,
                        QStringLiteral("INSERT INTO public.trucks VALUES ($1, 'new truck', 1234.5)"), {id});
             }
             return true;
         }});
    ops.push_back(
        {QStringLiteral("vehicle_update"), [](Writer &w) {
             // Through the parent: the change lands in whichever child holds the row.
             static const std::vector<std::pair<qint64, qint64>> ranges{{1, 200}, {1001, 300}, {2001, 100}};
             const auto &r = w.pick(ranges);
             return w.exec(&Tally::updates,
                           QStringLiteral(
                               "UPDATE public.vehicles SET name = left(name, 30) || '+' WHERE id = $1"),
                           {w.ownedKey(r.first, r.second)}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("booking_insert"), [](Writer &w) {
             const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
             w.exec(
                 &Tally::inserts,
                 QStringLiteral("INSERT INTO public.bookings VALUES ($1::int, 100 + $1::int % 50, tstzrange("
                                "timestamptz '2030-01-01 00:00:00+00' + $1::int * interval '1 hour', "
                                "timestamptz '2030-01-01 00:00:00+00' + ($1::int + 1) * interval '1 hour'))"),
                 {id});
             return true;
         }});
    ops.push_back({QStringLiteral("booking_delete"), [](Writer &w) {
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.bookings WHERE id = $1"),
                                     {w.ownedKey(0, 1000)}) > 0;
                   }});
    ops.push_back(
        {QStringLiteral("tenant_update"), [](Writer &w) {
             return w.exec(&Tally::updates,
                           QStringLiteral("UPDATE public.tenant_data SET secret = $2 WHERE id = $1"),
                           {w.ownedKey(1, 500), QStringLiteral("rotated %1").arg(w.uniform(0, 99999))}) > 0;
         }});
    ops.push_back({QStringLiteral("checked_insert"), [](Writer &w) {
                       const qint64 id = w.nextval(QStringLiteral("public.workload_ids"));
                       const qint64 low = w.uniform(1, 100);
                       w.exec(&Tally::inserts,
                              QStringLiteral("INSERT INTO public.checked VALUES ($1, $2, $3)"),
                              {id, low, low + w.uniform(0, 9)});
                       return true;
                   }});
    ops.push_back({QStringLiteral("zero_columns_insert"), [](Writer &w) {
                       w.exec(&Tally::inserts,
                              QStringLiteral(R"(INSERT INTO public."zero columns" DEFAULT VALUES)"));
                       return true;
                   }});
    ops.push_back(
        {QStringLiteral("zero_columns_delete"), [](Writer &w) {
             return w.exec(
                        &Tally::deletes,
                        QStringLiteral(
                            R"(DELETE FROM public."zero columns" WHERE ctid = (SELECT ctid FROM public."zero columns" LIMIT 1))")) >
                    0;
         }});
    ops.push_back({QStringLiteral("mixedcase_update"), [](Writer &w) {
                       const QString v = QStringLiteral("v%1").arg(w.uniform(0, 999));
                       qint64 n = w.exec(
                           &Tally::updates,
                           QStringLiteral(R"(UPDATE public."MixedCase" SET "Value" = $2 WHERE id = $1)"),
                           {w.ownedKey(1, 100), v});
                       n += w.exec(&Tally::updates,
                                   QStringLiteral("UPDATE public.mixedcase SET value = $2 WHERE id = $1"),
                                   {w.ownedKey(1, 50), v});
                       return n > 0;
                   }});
    ops.push_back(
        {QStringLiteral("semicolon_insert"), [](Writer &w) {
             w.exec(
                 &Tally::inserts,
                 QStringLiteral(
                     R"(INSERT INTO public."semi;colon table" ("a;b", "DROP TABLE x; --") VALUES ($1, $2))"),
                 {QStringLiteral("w;%1").arg(w.index),
                  QStringLiteral("'; DROP TABLE public.\"select\"; --")});
             return true;
         }});
    ops.push_back({QStringLiteral("multi_table"), [](Writer &w) {
                       // One transaction across several tables and partitions: applied together or not at
                       // all.
                       orderInsert(w, w.uniform(1, 2000));
                       measurementMove(w);
                       dupUpdateOne(w);
                       w.exec(
                           &Tally::updates,
                           QStringLiteral("UPDATE public.documents SET version = version + 1 WHERE id = $1"),
                           {w.ownedKey(1, 30)});
                       return true;
                   }});
    return ops;
}

// ----------------------------------------------------------------------------------------------
// pagila profile: rental and payment
// ----------------------------------------------------------------------------------------------
constexpr qint64 kFirstPayment = 16050, kPayments = 16049, kRentals = 16049;
// Payments are partitioned by month from 2022-01 to 2022-07 and there is no default partition.
const qint64 kPaymentsFrom = QDateTime(QDate(2022, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
const qint64 kPaymentsTo = QDateTime(QDate(2022, 7, 31), QTime(23, 0), Qt::UTC).toSecsSinceEpoch();

qint64 rentalInsert(Writer &w)
{
    // The rental date follows the new id, so (rental_date, inventory_id, customer_id) stays unique.
    const qint64 id = w.nextval(QStringLiteral("public.rental_rental_id_seq"));
    w.exec(&Tally::inserts,
           QStringLiteral(
               "INSERT INTO public.rental (rental_id, rental_date, inventory_id, customer_id, staff_id) "
               "VALUES ($1::int, timestamptz '2030-01-01 00:00:00+00' + $1::int * interval '1 second', $2, "
               "$3, $4)"),
           {id, w.uniform(1, 4581), w.uniform(1, 599), w.uniform(1, 2)});
    return id;
}

void paymentInsert(Writer &w, std::optional<qint64> rental)
{
    w.exec(
        &Tally::inserts,
        QStringLiteral("INSERT INTO public.payment (customer_id, staff_id, rental_id, amount, payment_date) "
                       "VALUES ($1, $2, coalesce($3::int, (SELECT min(rental_id) FROM public.rental WHERE "
                       "rental_id >= $4)), "
                       "$5::numeric, $6::timestamptz)"),
        {w.uniform(1, 599), w.uniform(1, 2), rental ? pg::Param(*rental) : pg::Param(),
         w.uniform(1, kRentals - 10), QString::number(double(w.uniform(0, 1199)) / 100.0, 'f', 2),
         timestampText(w.uniform(kPaymentsFrom, kPaymentsTo))});
}

std::vector<Op> pagilaOps()
{
    std::vector<Op> ops;
    ops.push_back({QStringLiteral("rental_insert"), [](Writer &w) {
                       w.pending.rentals.push_back(rentalInsert(w));
                       return true;
                   }});
    ops.push_back({QStringLiteral("rental_with_payment"), [](Writer &w) {
                       paymentInsert(w, rentalInsert(w));
                       return true;
                   }});
    ops.push_back(
        {QStringLiteral("rental_return"), [](Writer &w) {
             return w.exec(&Tally::updates,
                           QStringLiteral(
                               "UPDATE public.rental SET return_date = rental_date + $2 * interval '1 hour' "
                               "WHERE rental_id = $1"),
                           {w.ownedKey(1, kRentals), w.uniform(1, 300)}) > 0;
         }});
    ops.push_back({QStringLiteral("rental_delete"), [](Writer &w) {
                       if (w.pending.rentals.empty())
                           return false;
                       const qint64 id = w.pending.rentals.front();
                       w.pending.rentals.erase(w.pending.rentals.begin());
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.rental WHERE rental_id = $1"),
                                     {id}) > 0;
                   }});
    ops.push_back({QStringLiteral("payment_insert"), [](Writer &w) {
                       paymentInsert(w, std::nullopt);
                       return true;
                   }});
    ops.push_back(
        {QStringLiteral("payment_update"), [](Writer &w) {
             return w.exec(
                        &Tally::updates,
                        QStringLiteral(
                            "UPDATE public.payment SET amount = (amount + 0.01) % 999 WHERE payment_id = $1"),
                        {w.ownedKey(kFirstPayment, kPayments)}) > 0;
         }});
    ops.push_back(
        {QStringLiteral("payment_move"), [](Writer &w) {
             // A new payment date: the row moves to another monthly partition.
             return w.exec(
                        &Tally::updates,
                        QStringLiteral(
                            "UPDATE public.payment SET payment_date = $2::timestamptz WHERE payment_id = $1"),
                        {w.ownedKey(kFirstPayment, kPayments),
                         timestampText(w.uniform(kPaymentsFrom, kPaymentsTo))}) > 0;
         }});
    ops.push_back({QStringLiteral("payment_delete"), [](Writer &w) {
                       return w.exec(&Tally::deletes,
                                     QStringLiteral("DELETE FROM public.payment WHERE payment_id = $1"),
                                     {w.ownedKey(kFirstPayment, kPayments)}) > 0;
                   }});
    return ops;
}

std::vector<Op> opsFor(Workload::Profile p)
{
    return p == Workload::Profile::Pagila ? pagilaOps() : trapsOps();
}

bool isConnectionLoss(const pg::Error &e)
{
    return e.breaksConnection() || e.category == pg::ErrorCategory::Connection ||
           e.category == pg::ErrorCategory::Shutdown;
}

} // namespace

QString WorkloadStats::summary() const
{
    return QStringLiteral(
               "%1 transactions: %2 inserts, %3 updates, %4 deletes, %5 truncates, %6 nextval, %7 retries, "
               "%8 reconnects, %9 errors")
        .arg(transactions)
        .arg(inserts)
        .arg(updates)
        .arg(deletes)
        .arg(truncates)
        .arg(nextvals)
        .arg(retries)
        .arg(reconnects)
        .arg(errors.size());
}

struct Workload::Private
{
    pg::ConnInfo info;
    Options options;
    std::vector<std::thread> threads;
    std::atomic_bool stopping{false};
    std::mutex mutex; // guards stats and the condition variable
    std::condition_variable wake;
    WorkloadStats stats;
    qint64 errorsDropped = 0;

    void error(int writer, const QString &op, const QString &what)
    {
        std::lock_guard lock(mutex);
        if (stats.errors.size() < kMaxErrorsKept)
            stats.errors << QStringLiteral("writer %1, %2: %3").arg(writer).arg(op, what);
        else
            ++errorsDropped;
    }

    // Waits until `t` or until stop; false when stopping.
    bool sleepUntil(Clock::time_point t)
    {
        std::unique_lock lock(mutex);
        return !wake.wait_until(lock, t, [this] { return stopping.load(); });
    }

    bool connect(Writer &w, bool afterLoss)
    {
        auto backoff = std::chrono::milliseconds(100);
        for (;;) {
            try {
                w.conn = pg::Connection::open(info);
                return true;
            } catch (const pg::Exception &e) {
                if (!afterLoss || !options.reconnect) {
                    error(w.index, QStringLiteral("connect"), QString::fromUtf8(e.what()));
                    if (!afterLoss)
                        return false;
                }
            }
            if (!sleepUntil(Clock::now() + backoff))
                return false;
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        }
    }

    void runTransaction(Writer &w, const Op &op)
    {
        for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
            w.tally = {};
            w.pending = w.owned;
            try {
                w.conn.exec(QStringLiteral("BEGIN"));
                const bool changed = op.fn(w);
                w.conn.exec(QStringLiteral("COMMIT"));
                w.owned = w.pending;
                std::lock_guard lock(mutex);
                stats.inserts += w.tally.inserts;
                stats.updates += w.tally.updates;
                stats.deletes += w.tally.deletes;
                stats.truncates += w.tally.truncates;
                stats.nextvals += w.tally.nextvals;
                ++stats.transactions;
                if (changed)
                    ++stats.operations[op.name];
                return;
            } catch (const pg::Exception &e) {
                const pg::Error &err = e.error();
                if (isConnectionLoss(err)) {
                    if (options.reconnect) {
                        std::lock_guard lock(mutex);
                        ++stats.reconnects;
                    } else {
                        error(w.index, op.name, QString::fromUtf8(e.what()));
                    }
                    w.conn.close();
                    connect(w, true);
                    return;
                }
                w.conn.tryExec(QStringLiteral("ROLLBACK"));
                if (err.category == pg::ErrorCategory::Serialization && attempt < kMaxAttempts) {
                    std::lock_guard lock(mutex);
                    ++stats.retries;
                    continue;
                }
                error(w.index, op.name, QString::fromUtf8(e.what()));
                return;
            } catch (const std::exception &e) {
                w.conn.tryExec(QStringLiteral("ROLLBACK"));
                error(w.index, op.name, QString::fromUtf8(e.what()));
                return;
            }
        }
    }

    void writerMain(int index, int count)
    {
        Writer w(index, count, options.seed);
        if (!connect(w, false))
            return;
        const std::vector<Op> ops = opsFor(options.profile);
        const auto interval = options.transactionsPerSecond > 0
                                  ? std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(1.0 / options.transactionsPerSecond))
                                  : Clock::duration::zero();
        Clock::time_point next = Clock::now();
        for (int round = 0; !stopping.load(); ++round) {
            // A shuffled deck per round: every operation runs once a round, in a seeded order.
            std::vector<const Op *> deck;
            for (const Op &op : ops)
                if (!op.firstWriterOnly || (index == 0 && round % 4 == 0))
                    deck.push_back(&op);
            std::shuffle(deck.begin(), deck.end(), w.rng);
            for (const Op *op : deck) {
                if (stopping.load())
                    break;
                if (interval > Clock::duration::zero()) {
                    next += interval;
                    const auto now = Clock::now();
                    if (next < now - std::chrono::seconds(1))
                        next = now; // fell far behind (e.g. a long lock wait): do not burst to catch up
                    if (!sleepUntil(next))
                        break;
                }
                if (!w.conn.isOpen() && !connect(w, true))
                    return;
                runTransaction(w, *op);
            }
        }
    }
};

Workload::Workload(pg::ConnInfo database, Options options) : d(std::make_unique<Private>())
{
    d->info = std::move(database);
    d->info.applicationName = QStringLiteral("pgferry-test-workload");
    d->options = options;
}

Workload::~Workload()
{
    stop();
}

void Workload::start(int writers)
{
    if (!d->threads.empty())
        throw std::logic_error("the workload is already running");
    if (writers < 1)
        throw std::invalid_argument("a workload needs at least one writer");
    // Fail early and loudly when the database is unreachable or lacks the fixture.
    {
        pg::Connection probe = pg::Connection::open(d->info);
        const QString table = d->options.profile == Profile::Pagila ? QStringLiteral("public.payment")
                                                                    : QStringLiteral("public.workload_ids");
        if (probe.exec(QStringLiteral("SELECT to_regclass($1)"), {table}).isNull(0, 0))
            throw std::runtime_error(
                QStringLiteral("database %1 does not hold the workload's fixture (%2 is missing)")
                    .arg(d->info.database, table)
                    .toStdString());
    }
    d->stopping = false;
    for (int i = 0; i < writers; ++i)
        d->threads.emplace_back([this, i, writers] { d->writerMain(i, writers); });
}

WorkloadStats Workload::stop()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    for (std::thread &t : d->threads)
        t.join();
    d->threads.clear();
    return stats();
}

WorkloadStats Workload::stats() const
{
    std::lock_guard lock(d->mutex);
    WorkloadStats s = d->stats;
    if (d->errorsDropped > 0)
        s.errors << QStringLiteral("… and %1 more errors").arg(d->errorsDropped);
    return s;
}

bool Workload::isRunning() const
{
    return !d->threads.empty() && !d->stopping.load();
}

QStringList Workload::operationNames(Profile profile)
{
    QStringList names;
    for (const Op &op : opsFor(profile))
        names << op.name;
    return names;
}

} // namespace pgferry::test
