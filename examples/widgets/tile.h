// One tile of the picture: what a job is asked to compute (TileSpec) and what it returns
// (Tile). The job runs in a pool thread and touches nothing but its arguments, so it needs no
// lock; its Tile travels to the GUI thread inside a QVariant, hence Q_DECLARE_METATYPE.
#pragma once

#include "viewport.h"

#include <QtCore/qmetatype.h>
#include <QtCore/qrect.h>
#include <QtGui/qimage.h>

struct TileSpec
{
    //! Device pixels of the view this tile covers.
    QRect rect;
    //! Which view it belongs to: results of an older generation arrive late and are dropped.
    quint64 generation = 0;
    //! The tile's place in the view's grid, the same in every pass.
    int index = 0;
    //! 0 is the coarse pass; a finer pass paints over a coarser one, never the other way.
    int pass = 0;
    //! One sample per step x step pixels: 8 for the coarse pass, 1 for full resolution.
    int step = 1;
};

struct Tile
{
    TileSpec spec;
    //! One pixel per sample: spec.rect.size() / spec.step, rounded up.
    QImage image;
};

Q_DECLARE_METATYPE(Tile)

//! Computes one tile of `view`. Runs in a pool thread; pure, so any number run at once.
Tile renderTile(const Viewport &view, const TileSpec &spec);
