"""Hostcast, the application: the command line, the daemon, schedules and the wiring of a show.

It plugs the talent (`host/`: what is said and how it looks) into the broadcast
(`stream/`: when and where it airs). Neither library imports the other, nor this.
"""
