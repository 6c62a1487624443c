#include "livechart.h"

#include <QEvent>
#include <QFontMetrics>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace pgferry::wizard {

namespace {
// Room above the highest point, so that a line at its peak does not run along the frame.
constexpr double Headroom = 1.05;
} // namespace

double LiveChart::niceStep(double v, int *decimals)
{
    if (!(v > 0) || !std::isfinite(v))
        v = 1;
    // The tolerance keeps a quotient a rounding error away from a round value (0.30000000000000004 / 3) at
    // it.
    constexpr double Tolerance = 1e-9;
    int exponent = int(std::floor(std::log10(v * (1 - Tolerance))));
    double mantissa = 10;
    for (double m : {1.0, 2.0, 5.0}) {
        if (v <= m * std::pow(10.0, exponent) * (1 + Tolerance)) {
            mantissa = m;
            break;
        }
    }
    if (mantissa == 10) {
        mantissa = 1;
        ++exponent;
    }
    if (decimals)
        *decimals = std::max(0, -exponent);
    return mantissa * std::pow(10.0, exponent);
}

LiveChart::Ticks LiveChart::niceTicks(double max, int maxTicks)
{
    if (!(max > 0) || !std::isfinite(max))
        max = 1;
    const int intervals = std::max(1, maxTicks - 1);
    Ticks t;
    t.step = niceStep(max / intervals, &t.decimals);
    const int n = std::max(1, int(std::ceil(max / t.step - 1e-9)));
    t.max = n * t.step;
    t.count = n + 1;
    return t;
}

LiveChart::LiveChart(const QString &title, const QString &leftName, const QString &rightName, QWidget *parent)
    : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    m_x = new QValueAxis;
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_x->setTitleText(tr("seconds"));
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_yLeft = new QValueAxis;
    m_yRight = new QValueAxis;
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_yLeft, Qt::AlignLeft);
    chart->addAxis(m_yRight, Qt::AlignRight);
    // Labels keep their full text: a cut "1…" says nothing.
    for (QValueAxis *a : {m_x, m_yLeft, m_yRight})
        a->setTruncateLabels(false);
    setChart(chart);
    // A shorter plot holds fewer labels: QtCharts hides those that would overlap, which leaves a
    // scale without its numbers.
    connect(chart, &QChart::plotAreaChanged, this, [this] {
        const int fit = ticksThatFit();
        if (fit != m_maxTicks) {
            m_maxTicks = fit;
            applyValueRanges();
        }
    });
    addSeries(leftName, Axis::Left, QColor(0x2f, 0x74, 0xc0));
    addSeries(rightName, Axis::Right, QColor(0xd8, 0x8c, 0x00));
    clear();
}

void LiveChart::addSeries(const QString &name, Axis axis, const QColor &color)
{
    auto *s = new QLineSeries;
    s->setName(name);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(this->axis(axis));
    // A series added later starts where the others are, with zeros.
    if (!m_lines.isEmpty())
        for (int i = 0; i < m_lines.first().series->count(); ++i)
            s->append(m_lines.first().series->at(i).x(), 0);
    m_lines.append({s, axis, color});
    applyPalette();
}

void LiveChart::applyPalette()
{
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    QChart *c = chart();
    c->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    c->setBackgroundBrush(pal.color(QPalette::Base));
    c->setBackgroundRoundness(4);
    c->setTitleBrush(pal.color(QPalette::Text));
    c->legend()->setLabelColor(pal.color(QPalette::Text));
    QFont tf = font();
    tf.setBold(true);
    c->setTitleFont(tf);
    for (QValueAxis *a : {m_x, m_yLeft, m_yRight}) {
        a->setLabelsColor(pal.color(QPalette::Text));
        a->setTitleBrush(pal.color(QPalette::Text));
        a->setGridLineColor(pal.color(QPalette::Mid));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        a->setLabelsFont(f);
        a->setTitleFont(f);
    }
    for (const Line &l : std::as_const(m_lines))
        l.series->setPen(QPen(l.color, 2));
    // Each value axis in the colour of its first series.
    for (Axis a : {Axis::Right, Axis::Left})
        for (const Line &l : std::as_const(m_lines))
            if (l.axis == a) {
                axis(a)->setLinePenColor(l.color);
                break;
            }
}

void LiveChart::changeEvent(QEvent *e)
{
    QChartView::changeEvent(e);
    if (e->type() == QEvent::PaletteChange)
        applyPalette();
}

int LiveChart::ticksThatFit() const
{
    const double height = chart()->plotArea().height();
    const int line = QFontMetrics(m_yLeft->labelsFont()).height();
    if (height <= 0 || line <= 0)
        return 6;
    // A label's line and half a line of space between labels.
    return std::clamp(int(height / (line * 1.5)) + 1, 2, 6);
}

void LiveChart::applyValueRanges()
{
    setValueRange(m_yLeft, m_maxLeft);
    setValueRange(m_yRight, m_maxRight);
}

void LiveChart::setValueRange(QValueAxis *axis, double max)
{
    const Ticks t = niceTicks(max * Headroom, m_maxTicks);
    axis->setRange(0, t.max);
    axis->setTickCount(t.count);
    axis->setLabelFormat(QStringLiteral("%.") + QString::number(t.decimals) + u'f');
}

void LiveChart::setTimeRange(double from, double to)
{
    m_x->setRange(from, to);
    m_x->setTickInterval(niceStep((to - from) / 5));
}

void LiveChart::addPoint(double x, double left, double right)
{
    QList<double> values{left, right};
    while (values.size() < m_lines.size())
        values.append(0);
    addPoint(x, values);
}

void LiveChart::addPoint(double x, const QList<double> &values)
{
    Q_ASSERT(values.size() == m_lines.size());
    for (qsizetype i = 0; i < m_lines.size(); ++i)
        m_lines[i].series->append(x, i < values.size() && std::isfinite(values[i]) ? values[i] : 0);
    // Drop what slid out of the window, in one go so each series repaints once.
    QLineSeries *first = m_lines.first().series;
    const double from = x - m_window;
    if (first->count() > 2 && first->at(0).x() < from) {
        int n = 0;
        while (n < first->count() - 1 && first->at(n).x() < from)
            ++n;
        for (const Line &l : std::as_const(m_lines))
            l.series->removePoints(0, n);
    }
    m_maxLeft = 0;
    m_maxRight = 0;
    for (const Line &l : std::as_const(m_lines)) {
        double &max = l.axis == Axis::Left ? m_maxLeft : m_maxRight;
        for (int i = 0; i < l.series->count(); ++i)
            max = std::max(max, l.series->at(i).y());
    }
    applyValueRanges();
    const double start = first->count() ? first->at(0).x() : 0;
    setTimeRange(start, std::max(start + 60, x));
}

void LiveChart::clear()
{
    for (const Line &l : std::as_const(m_lines))
        l.series->clear();
    setTimeRange(0, 60);
    m_maxLeft = 0;
    m_maxRight = 0;
    applyValueRanges();
}

int LiveChart::pointCount() const
{
    return int(m_lines.first().series->count());
}

} // namespace pgferry::wizard
