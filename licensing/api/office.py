"""Officials' API: questions to the exporter (the queue and triage grow here)."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.applications import selectors, services

from .applications import QuestionOut
from .permissions import IsOfficial


class QuestionIn(serializers.Serializer):
    text = serializers.CharField(max_length=20000)


class QuestionAskView(APIView):
    """Ask the exporter a question; the statutory clock stops until it is answered."""

    permission_classes = [IsOfficial]

    @extend_schema(request=QuestionIn, responses={201: QuestionOut})
    def post(self, request, pk):
        application = get_object_or_404(selectors.applications_visible_to(request.user), pk=pk)
        data = QuestionIn(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_ask(actor=request.user, application=application, text=data.validated_data["text"])
        return Response(QuestionOut(question).data, status=status.HTTP_201_CREATED)
