#!/usr/bin/python3
"""A tiny GTK3 drag source for end-to-end tests: a window at (x, y) offering the given paths
as text/uri-list. xdotool then drags from it onto the app, which gets a real OS file drop.

usage: drag_source.py X Y PATH...
Prints "ready" once mapped; exits after the drag ends (or after 60 s)."""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

x, y = int(sys.argv[1]), int(sys.argv[2])
uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]

win = Gtk.Window(type=Gtk.WindowType.POPUP)
win.move(x, y)
win.set_default_size(140, 70)
button = Gtk.Button(label="drag")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()


def on_get(_w, _ctx, data, _info, _time):
    data.set_uris(uris)


def on_end(*_):
    GLib.timeout_add(300, Gtk.main_quit)


button.connect("drag-data-get", on_get)
button.connect("drag-end", on_end)
win.add(button)
win.show_all()
GLib.timeout_add(300, lambda: print("ready", flush=True) and False)
GLib.timeout_add_seconds(60, Gtk.main_quit)
Gtk.main()
