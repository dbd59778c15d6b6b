"""Exercises, grading, predictions and the classroom: labkit for an assignment.

``exercises`` finds an exercise and its declared checks; ``checks`` turns them into
claims; ``grading`` runs a student's file under every start method and scores it;
``predict`` records predictions before a lab runs; ``classroom`` writes a GitHub
Classroom template; ``gradebook`` merges grades and predictions of a class; ``cli``
registers the commands.
"""
